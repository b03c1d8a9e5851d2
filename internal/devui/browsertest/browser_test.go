// Package browsertest drives hearingbot's local page in headless Chromium
// (Debian's chromium, which .ci/run installs): what a person sees, not what
// the server sends. It is a package of its own so that the rest of the
// suite stays quick.
package browsertest

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rs/zerolog"

	"hearingbot/bot/answer"
	"hearingbot/bot/digest"
	"hearingbot/content"
	"hearingbot/internal/devui"
)

var writeDocs = flag.Bool("write-docs", false, "write the README's screenshots to docs/")

// page starts the local page and a headless Chromium tab on it.
func page(t *testing.T) (ctx context.Context, base string) {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no chromium: .ci/run installs Debian's chromium")
		}
		t.Skip("no chromium here (apt-get install chromium)")
	}
	e, err := answer.Open(content.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	d, err := digest.New(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	ui, err := devui.New(context.Background(), e, d, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ui.Close)
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = ui.Handler(srv.Listener.Addr())
	srv.Start()
	t.Cleanup(srv.Close)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1000, 760), chromedp.UserDataDir(t.TempDir()))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	return ctx, srv.URL
}

// shows waits until the page's messages hold want.
func shows(want string) chromedp.Action[chromedp.Void] {
	return holds(`document.getElementById("messages").innerText.includes(` + quote(want) + `)`)
}

// holds waits until the JavaScript expression cond is true on the page.
func holds(cond string) chromedp.Action[chromedp.Void] {
	return void(chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(20*time.Second)))
}

// rows is a JavaScript expression: the page's messages of class, such as
// ".thread.ephemeral", that hold text.
func rows(class, text string) string {
	return `[...document.querySelectorAll(".msg` + class + `")].filter((m) => m.innerText.includes(` + quote(text) + `))`
}

func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// say types into the message box and sends it.
func say(ctx context.Context, text string) error {
	return chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("text"), text+"\r")) // Enter, as a person sends it
}

// TestThePageAsAPersonSeesIt: a question asked by link (once, however often
// the page is reloaded), a follow-up in its thread, /hearing panels (its
// reply alone, in the thread it was typed in), and a click, each rendered
// from the Block Kit the bot posted; then the Home tab the bot published,
// and the person's messages with the bot, where its questions are answered.
func TestThePageAsAPersonSeesIt(t *testing.T) {
	ctx, base := page(t)
	step := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	step("ask by link", chromedp.Do(ctx, chromedp.Navigate(base+"/?q=Who+moderated+the+first+panel%3F"), shows("Ilias Chatzis (UNODC) moderated Panel 1")))
	bold, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".msg b")))
	step("bold", err)
	quoted, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".msg blockquote")))
	step("quote", err)
	if bold != "Ilias Chatzis" || !strings.HasPrefix(quoted, "The first panel entitled") {
		t.Errorf("bold %q, quote %q: the mrkdwn is not rendered", bold, quoted)
	}
	// a reload shows the same channel: the link's question is not asked again
	step("reload", chromedp.Do(ctx, chromedp.Reload()))
	step("the channel again", chromedp.Do(ctx, shows("Ilias Chatzis (UNODC) moderated Panel 1")))
	// the follow-up, in the answer's thread, without a mention
	step("reply in thread", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".msg .reply"))))
	step("follow up", say(ctx, "and the second one?"))
	step("the follow-up's answer", chromedp.Do(ctx, shows("Michelle Leighton")))
	asked, err := chromedp.Run(ctx, chromedp.Evaluate[int](rows(":has(.avatar:not(.bot))", "Who moderated the first panel?")+".length"))
	step("the questions asked", err)
	if asked != 1 {
		t.Errorf("the link's question asked %d times, want once", asked)
	}
	// a command typed in the thread is answered there, only for the person
	step("/hearing in the thread", say(ctx, "/hearing who Claire Falconer"))
	step("its reply in the thread", chromedp.Do(ctx, holds(rows(".thread.ephemeral", "Claire Falconer")+".length > 0")))
	step("leave the thread", chromedp.Do(ctx, chromedp.Click(chromedp.ID("cancel"))))
	step("a question", say(ctx, "What did the panellists say about labour inspection?"))
	step("its quotation", chromedp.Do(ctx, shows("the need for better labour inspection")))
	step("/hearing panels", say(ctx, "/hearing panels"))
	step("the panels", chromedp.Do(ctx, shows("Regional perspectives on migration")))
	// Slack shows a command's reply, not the command as a message
	typed, err := chromedp.Run(ctx, chromedp.Evaluate[int](rows(":has(.avatar:not(.bot))", "/hearing")+".length"))
	step("the person's messages", err)
	if typed != 0 {
		t.Errorf("%d /hearing commands shown as the person's messages", typed)
	}
	// the command's echo above its reply is drawn as the line around it, not in the red of an error
	echoes, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`(() => {
		const echoes = [...document.querySelectorAll(".ephemeral .context code")].filter((c) => c.innerText.startsWith("/hearing"));
		return [echoes.length, echoes.filter((c) => getComputedStyle(c).color !== getComputedStyle(c.closest(".context")).color).length];
	})()`))
	step("the echoes", err)
	if echoes[0] == 0 || echoes[1] != 0 {
		t.Errorf("of %d echoes of a command, %d are not drawn as their line", echoes[0], echoes[1])
	}
	step("click People", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-action="panel_panel-3"]`))))
	step("panel 3's people", chromedp.Do(ctx, shows("Murtaza Khan, Partner, Fragomen LLC")))
	// the Home tab, as the bot published it, without a message box; its
	// questions are answered in the person's messages with the bot
	step("open Home", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`aside [data-view="home"]`))))
	step("the Home tab", chromedp.Do(ctx, shows("Second informal interactive multi-stakeholder hearing"), shows("Today's digest:"),
		holds(`document.getElementById("say").hidden`)))
	question, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.home button[data-action="ask0"]`)))
	step("a question to try", err)
	step("ask it", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.home button[data-action="ask0"]`))))
	step("its answer in Messages", chromedp.Do(ctx, holds(`document.querySelector('aside [data-view="dm"]').classList.contains("on")`),
		shows("Ilias Chatzis (UNODC) moderated Panel 1")))
	if question != "Who moderated panel 1?" {
		t.Errorf("the Home tab's first question is %q, and the answer checked is to “Who moderated panel 1?”", question)
	}
	step("write to the bot", say(ctx, "Who is Tuesday Reitano?"))
	step("its answer", chromedp.Do(ctx, shows("Global Initiative Against Transnational Organized Crime")))
	channel, err := chromedp.Run(ctx, chromedp.Evaluate[int](rows("", "Murtaza Khan")+".length"))
	step("the channel left", err)
	if channel != 0 {
		t.Errorf("the person's messages with the bot show the channel's")
	}
}

// TestALongConversation: a conversation longer than one response of the
// page's API is drawn whole, batch after batch, and then only what changes:
// a /hearing reply, gone when it is shared, its shared copy in its place.
func TestALongConversation(t *testing.T) {
	ctx, base := page(t)
	const asked = 24 // of 16 KB each
	for i := range asked {
		body := fmt.Sprintf(`{"text":"Who moderated the first panel? %d%s"}`, i, strings.Repeat(" and then", 1800))
		res, err := http.Post(base+"/api/say", "application/json", strings.NewReader(body))
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("say: %v %v", res, err)
		}
		res.Body.Close()
	}
	step := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	step("the conversation", chromedp.Do(ctx, chromedp.Navigate(base), holds(fmt.Sprintf(`document.querySelectorAll(".msg").length === %d`, 2*asked)),
		holds(fmt.Sprintf(`document.querySelectorAll(".msg.thread:has(.avatar.bot)").length === %d`, asked))))
	step("/hearing who", say(ctx, "/hearing who Claire Falconer"))
	step("its reply", chromedp.Do(ctx, holds(rows(".ephemeral", "Claire Falconer")+".length === 1")))
	step("share it", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.ephemeral button[data-action="share"]`))))
	step("shared", chromedp.Do(ctx, holds(rows(".ephemeral", "Claire Falconer")+".length === 0"),
		holds(rows(":not(.ephemeral)", "Claire Falconer")+".length === 1"),
		holds(fmt.Sprintf(`document.querySelectorAll(".msg").length === %d`, 2*asked+1))))
}

// TestScreenshots writes the README's pictures with -write-docs:
//
//	go test ./internal/devui/browsertest -run TestScreenshots -write-docs
func TestScreenshots(t *testing.T) {
	if !*writeDocs {
		t.Skip("run with -write-docs to write docs/*.png")
	}
	for _, shot := range []struct{ name, ask, wait string }{
		{"answer", "What did the panellists say about labour inspection?", "labour inspection"},
		{"person", "Who is John Murray?", "John Murray (ICS)"},
		{"hedged", "What did the panellists say about firewalls?", "Questions it answers"},
		{"digest", "/hearing digest skills", "Daily digest"},
		{"panels", "/hearing panels", "Regional perspectives on migration"},
	} {
		t.Run(shot.name, func(t *testing.T) {
			ctx, base := page(t)
			if err := chromedp.Do(ctx, chromedp.Navigate(base)); err != nil {
				t.Fatal(err)
			}
			if err := say(ctx, shot.ask); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, shows(shot.wait), chromedp.Sleep(300*time.Millisecond)); err != nil {
				t.Fatal(err)
			}
			png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID("messages")))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join("..", "..", "..", "docs", shot.name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		})
	}
}
