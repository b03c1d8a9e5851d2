// Command hearingjudge fits the answer judge to a content folder's question
// bank and writes the weights to its judge.json. Run it after changing the
// bank (examples.yaml), the summary or the judge's features:
//
//	go run ./cmd/hearingjudge [-content DIR]
//
// The bot never fits at run time; go test ./bot/answer fails when the
// embedded judge.json is not what this command would write.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"hearingbot/bot/answer"
	"hearingbot/content"
)

func main() {
	dir := flag.String("content", "content", "the content folder")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "hearingjudge:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	h, err := content.LoadDir(dir)
	if err != nil {
		return err
	}
	j, err := answer.Fit(context.Background(), h)
	if err != nil {
		return err
	}
	b, err := Encode(j)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, content.JudgeFile)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: answers from a verdict of %.4f, uncertain from %.4f\n", path, j.Answer, j.Uncertain)
	return nil
}

// Encode is the judge as judge.json holds it.
func Encode(j *content.Judge) ([]byte, error) {
	b, err := json.MarshalIndent(j, "", "  ")
	return append(b, '\n'), err
}
