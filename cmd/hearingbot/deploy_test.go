package main

// The deployment files (Dockerfile, deploy/kubernetes) held to the binary:
// every manifest parses strictly into the real Kubernetes API types, and
// names only the ports, paths, subcommands and variables hearingbot has.

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/robfig/cron/v3"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

const (
	kubeDir        = "../../deploy/kubernetes/base"
	dockerfilePath = "../../Dockerfile"
	dockerignore   = "../../.dockerignore"
	slackSecret    = "hearingbot-slack" // the Secret the workloads read
	nonrootUID     = 65532              // distroless's nonroot user
	socketModeMax  = 10                 // Socket Mode connections Slack allows per app
)

// kustomization is the part of kustomization.yaml the base uses; parsed
// strictly, so a field added there must be added here.
type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Resources  []string `json:"resources"`
	Labels     []struct {
		Pairs            map[string]string `json:"pairs"`
		IncludeSelectors bool              `json:"includeSelectors"`
		IncludeTemplates bool              `json:"includeTemplates"`
	} `json:"labels"`
	Images []struct {
		Name    string `json:"name"`
		NewName string `json:"newName"`
		NewTag  string `json:"newTag"`
		Digest  string `json:"digest"`
	} `json:"images"`
}

// kube is the base, parsed.
type kube struct {
	kustomization kustomization
	deployment    *appsv1.Deployment
	service       *corev1.Service
	cronJob       *batchv1.CronJob
	pdb           *policyv1.PodDisruptionBudget
	secret        *corev1.Secret // secret.example.yaml
	digestConfig  *corev1.ConfigMap
}

// parseStrict reads file in kubeDir into obj, rejecting unknown and
// duplicate fields.
func parseStrict(t *testing.T, file string, obj any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(kubeDir, file))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(b, obj); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// wantType is the apiVersion and kind each object must declare.
var wantType = map[string]metav1.TypeMeta{
	"Deployment":          {APIVersion: "apps/v1", Kind: "Deployment"},
	"Service":             {APIVersion: "v1", Kind: "Service"},
	"CronJob":             {APIVersion: "batch/v1", Kind: "CronJob"},
	"PodDisruptionBudget": {APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
	"Secret":              {APIVersion: "v1", Kind: "Secret"},
	"ConfigMap":           {APIVersion: "v1", Kind: "ConfigMap"},
}

// parseObject reads a manifest of any kind the base uses into its type.
func parseObject(t *testing.T, file string) any {
	t.Helper()
	var tm metav1.TypeMeta
	b, err := os.ReadFile(filepath.Join(kubeDir, file))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &tm); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var obj any
	switch tm.Kind {
	case "Deployment":
		obj = &appsv1.Deployment{}
	case "Service":
		obj = &corev1.Service{}
	case "CronJob":
		obj = &batchv1.CronJob{}
	case "PodDisruptionBudget":
		obj = &policyv1.PodDisruptionBudget{}
	case "Secret":
		obj = &corev1.Secret{}
	case "ConfigMap":
		obj = &corev1.ConfigMap{}
	default:
		t.Fatalf("%s: kind %q is not one the base uses (or this test knows)", file, tm.Kind)
	}
	if diff := cmp.Diff(wantType[tm.Kind], tm); diff != "" {
		t.Errorf("%s: apiVersion and kind (-want +got):\n%s", file, diff)
	}
	parseStrict(t, file, obj)
	return obj
}

func loadKube(t *testing.T) kube {
	t.Helper()
	var k kube
	parseStrict(t, "kustomization.yaml", &k.kustomization)
	for _, f := range append(slices.Clone(k.kustomization.Resources), "secret.example.yaml") {
		switch o := parseObject(t, f).(type) {
		case *appsv1.Deployment:
			k.deployment = o
		case *corev1.Service:
			k.service = o
		case *batchv1.CronJob:
			k.cronJob = o
		case *policyv1.PodDisruptionBudget:
			k.pdb = o
		case *corev1.Secret:
			k.secret = o
		case *corev1.ConfigMap:
			k.digestConfig = o
		}
	}
	if k.service != nil {
		t.Error("a Service in the base: Socket Mode needs none; the http overlay adds it")
	}
	k.service, _ = parseObject(t, "../http/service.yaml").(*corev1.Service)
	if k.deployment == nil || k.service == nil || k.cronJob == nil || k.pdb == nil || k.secret == nil {
		t.Fatal("the base lacks a Deployment, CronJob, PodDisruptionBudget or example Secret, or the http overlay its Service")
	}
	return k
}

// workload is a pod template the base runs, with what it must run.
type workload struct {
	name     string
	template *corev1.PodTemplateSpec
	args     []string
}

func (k kube) workloads() []workload {
	return []workload{
		{"Deployment", &k.deployment.Spec.Template, []string{"serve"}},
		{"CronJob", &k.cronJob.Spec.JobTemplate.Spec.Template, []string{"digest", "--post"}},
	}
}

// configVars is the binary's variables by name.
func configVars() map[string]variable {
	m := map[string]variable{}
	for _, v := range (&Config{}).variables() {
		m[v.Name] = v
	}
	return m
}

// defaultPort is the port of HEARINGBOT_ADDR's default.
func defaultPort(t *testing.T) int {
	t.Helper()
	v, ok := configVars()[envPrefix+"_ADDR"]
	if !ok {
		t.Fatalf("the binary has no %s_ADDR", envPrefix)
	}
	_, p, err := net.SplitHostPort(v.Default)
	if err != nil {
		t.Fatalf("%s_ADDR default %q: %v", envPrefix, v.Default, err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("%s_ADDR default %q: %v", envPrefix, v.Default, err)
	}
	return n
}

// show prints what a pointer field holds.
func show[T any](p *T) string {
	if p == nil {
		return "(unset)"
	}
	return fmt.Sprint(*p)
}

func envValue(c corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

func TestKubeKustomization(t *testing.T) {
	var k kustomization
	parseStrict(t, "kustomization.yaml", &k)
	if k.APIVersion != "kustomize.config.k8s.io/v1beta1" || k.Kind != "Kustomization" {
		t.Errorf("kustomization.yaml: apiVersion %q kind %q", k.APIVersion, k.Kind)
	}
	for _, f := range k.Resources {
		t.Run(f, func(t *testing.T) {
			if f == "secret.example.yaml" {
				t.Fatal("the example Secret must not be applied: its values are placeholders")
			}
			parseObject(t, f)
		})
	}
	// Every manifest in the folder is applied, except the example Secret.
	files, err := filepath.Glob(filepath.Join(kubeDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range files {
		if b := filepath.Base(f); b != "kustomization.yaml" && b != "secret.example.yaml" {
			want = append(want, b)
		}
	}
	if diff := cmp.Diff(want, slices.Sorted(slices.Values(k.Resources))); diff != "" {
		t.Errorf("resources, against the folder's manifests (-folder +kustomization):\n%s", diff)
	}
}

func TestKubeImages(t *testing.T) {
	k := loadKube(t)
	if len(k.kustomization.Images) != 1 || k.kustomization.Images[0].NewTag == "" {
		t.Fatalf("kustomization.yaml: want one images entry with a newTag, got %+v", k.kustomization.Images)
	}
	name := k.kustomization.Images[0].Name
	for _, w := range k.workloads() {
		for _, c := range w.template.Spec.Containers {
			if c.Image != name {
				t.Errorf("%s container %s: image %q, want %q (the tag comes from kustomization.yaml)", w.name, c.Name, c.Image, name)
			}
		}
	}
}

func TestKubeContainers(t *testing.T) {
	k := loadKube(t)
	for _, w := range k.workloads() {
		t.Run(w.name, func(t *testing.T) {
			cs := w.template.Spec.Containers
			if len(cs) != 1 || len(w.template.Spec.InitContainers) != 0 {
				t.Fatalf("want one container, got %d (and %d init containers)", len(cs), len(w.template.Spec.InitContainers))
			}
			c := cs[0]
			if len(c.Command) != 0 {
				t.Errorf("command %q: leave it to the image's ENTRYPOINT", c.Command)
			}
			if diff := cmp.Diff(w.args, c.Args); diff != "" {
				t.Errorf("args (-want +got):\n%s", diff)
			}
			req, lim := c.Resources.Requests, c.Resources.Limits
			if req.Cpu().IsZero() || req.Memory().IsZero() || lim.Memory().IsZero() {
				t.Errorf("resources: want cpu and memory requests and a memory limit, got %+v", c.Resources)
			}
			if lim.Memory().Cmp(*req.Memory()) < 0 {
				t.Errorf("memory limit %s below the request %s", lim.Memory(), req.Memory())
			}
		})
	}
}

func TestKubeDeploymentServes(t *testing.T) {
	k := loadKube(t)
	d := k.deployment
	c := d.Spec.Template.Spec.Containers[0]
	port := defaultPort(t)
	if addr, ok := envValue(c, envPrefix+"_ADDR"); ok {
		t.Fatalf("%s_ADDR=%q: the manifests assume its default", envPrefix, addr)
	}
	if len(c.Ports) != 2 || c.Ports[0].ContainerPort != int32(port) || c.Ports[0].Name == "" {
		t.Fatalf("ports %+v: want a named port %d (%s_ADDR's default), then the metrics port", c.Ports, port, envPrefix)
	}
	// Health and metrics on their own port, which the probes and Prometheus use.
	metricsAddr, _ := envValue(c, envPrefix+"_METRICS_ADDR")
	_, mport, _ := net.SplitHostPort(metricsAddr)
	if m := c.Ports[1]; strconv.Itoa(int(m.ContainerPort)) != mport || m.Name == "" {
		t.Fatalf("metrics port %+v: want the port of %s_METRICS_ADDR=%q", m, envPrefix, metricsAddr)
	}
	if a := d.Spec.Template.Annotations; a["prometheus.io/scrape"] != "true" || a["prometheus.io/port"] != mport {
		t.Errorf("scrape annotations %v: want the metrics port %s", a, mport)
	}
	portName := c.Ports[1].Name
	for _, p := range []struct {
		name  string
		probe *corev1.Probe
		path  string
	}{
		{"liveness", c.LivenessProbe, healthPath},
		{"readiness", c.ReadinessProbe, readyPath},
		{"startup", c.StartupProbe, healthPath},
	} {
		t.Run(p.name, func(t *testing.T) {
			if p.probe == nil || p.probe.HTTPGet == nil {
				t.Fatalf("want an httpGet probe, got %+v", p.probe)
			}
			want := corev1.HTTPGetAction{Path: p.path, Port: intstr.FromString(portName)}
			if diff := cmp.Diff(want, *p.probe.HTTPGet); diff != "" {
				t.Errorf("httpGet (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("replicas", func(t *testing.T) {
		if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
			t.Errorf("replicas %s: want at least 2", show(d.Spec.Replicas))
		}
		if _, socket := envValue(c, "SLACK_APP_TOKEN"); socket && *d.Spec.Replicas > socketModeMax {
			t.Errorf("replicas %d: Socket Mode allows %d connections per app", *d.Spec.Replicas, socketModeMax)
		}
		if v, ok := envValue(c, envPrefix+"_DIGEST_SCHEDULE"); ok && *d.Spec.Replicas > 1 {
			t.Errorf("%s_DIGEST_SCHEDULE=%q on %d replicas: each would post; the CronJob posts the digest", envPrefix, v, *d.Spec.Replicas)
		}
	})
	t.Run("selector", func(t *testing.T) {
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err != nil || sel.Empty() || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			t.Errorf("selector %v (%v) does not select the pod labels %v", d.Spec.Selector, err, d.Spec.Template.Labels)
		}
	})
	t.Run("shutdown", func(t *testing.T) {
		timeout, err := time.ParseDuration(configVars()[envPrefix+"_SHUTDOWN_TIMEOUT"].Default)
		if v, ok := envValue(c, envPrefix+"_SHUTDOWN_TIMEOUT"); ok {
			timeout, err = time.ParseDuration(v)
		}
		if err != nil {
			t.Fatal(err)
		}
		var sleep time.Duration
		if c.Lifecycle != nil && c.Lifecycle.PreStop != nil && c.Lifecycle.PreStop.Sleep != nil {
			sleep = time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
		}
		grace := d.Spec.Template.Spec.TerminationGracePeriodSeconds
		if grace == nil || time.Duration(*grace)*time.Second <= sleep+timeout {
			t.Errorf("terminationGracePeriodSeconds %s: want more than the preStop sleep %s plus %s_SHUTDOWN_TIMEOUT %s", show(grace), sleep, envPrefix, timeout)
		}
	})
}

func TestKubeCronJob(t *testing.T) {
	k := loadKube(t)
	cj := k.cronJob
	c := cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0]
	if cj.Spec.ConcurrencyPolicy != batchv1.ForbidConcurrent {
		t.Errorf("concurrencyPolicy %q, want Forbid: two runs at once could both post", cj.Spec.ConcurrencyPolicy)
	}
	if _, err := cron.ParseStandard(cj.Spec.Schedule); err != nil {
		t.Errorf("schedule %q: %v", cj.Spec.Schedule, err)
	}
	if cj.Spec.StartingDeadlineSeconds == nil {
		t.Error("no startingDeadlineSeconds")
	}
	if cj.Spec.TimeZone == nil {
		t.Fatal("no timeZone: the schedule would follow the controller's zone")
	}
	if _, err := time.LoadLocation(*cj.Spec.TimeZone); err != nil {
		t.Errorf("timeZone: %v", err)
	}
	if tz, _ := envValue(c, envPrefix+"_DIGEST_TZ"); tz != *cj.Spec.TimeZone {
		t.Errorf("%s_DIGEST_TZ %q, want the CronJob's timeZone %q: the digest's date is the day in that zone", envPrefix, tz, *cj.Spec.TimeZone)
	}
	if job := cj.Spec.JobTemplate.Spec; job.BackoffLimit == nil || *job.BackoffLimit > 3 {
		t.Errorf("backoffLimit %s: want a few retries at most", show(job.BackoffLimit))
	}
	if rp := cj.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy; rp != corev1.RestartPolicyOnFailure && rp != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %q", rp)
	}
	// The channels come from the ConfigMap the user edits, never a made-up id.
	var ref *corev1.ConfigMapKeySelector
	for _, e := range c.Env {
		if e.Name == envPrefix+"_DIGEST_CHANNELS" && e.ValueFrom != nil {
			ref = e.ValueFrom.ConfigMapKeyRef
		}
	}
	switch {
	case ref == nil:
		t.Errorf("%s_DIGEST_CHANNELS: want it from the digest ConfigMap", envPrefix)
	case k.digestConfig == nil || ref.Name != k.digestConfig.Name:
		t.Errorf("%s_DIGEST_CHANNELS from ConfigMap %q, which the base does not have", envPrefix, ref.Name)
	case k.digestConfig.Data[ref.Key] != "":
		t.Errorf("the ConfigMap ships channels %q: ship none, for the user to fill in", k.digestConfig.Data[ref.Key])
	}
}

// Each workload reads only variables the binary has, and secrets only from
// the Secret.
func TestKubeEnv(t *testing.T) {
	k := loadKube(t)
	vars := configVars()
	for _, w := range k.workloads() {
		for _, c := range w.template.Spec.Containers {
			t.Run(w.name, func(t *testing.T) {
				if len(c.EnvFrom) != 0 {
					t.Errorf("envFrom %+v: list each variable, so this test can check it", c.EnvFrom)
				}
				seen := map[string]bool{}
				for _, e := range c.Env {
					v, ok := vars[e.Name]
					switch {
					case e.Name == "GOMEMLIMIT": // read by the Go runtime
						if e.Value == "" {
							t.Error("GOMEMLIMIT without a value")
						}
					case !ok:
						t.Errorf("%s: not a variable hearingbot reads", e.Name)
					case seen[e.Name]:
						t.Errorf("%s: set twice", e.Name)
					case v.Secret && (e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil):
						t.Errorf("%s: a secret must come from a secretKeyRef, never a value", e.Name)
					case v.Secret:
						ref := e.ValueFrom.SecretKeyRef
						if ref.Name != slackSecret {
							t.Errorf("%s: from Secret %q, want %q", e.Name, ref.Name, slackSecret)
						}
						if _, ok := k.secret.StringData[ref.Key]; !ok {
							t.Errorf("%s: key %q is not in secret.example.yaml", e.Name, ref.Key)
						}
					}
					seen[e.Name] = true
				}
				if !seen["SLACK_BOT_TOKEN"] {
					t.Error("no SLACK_BOT_TOKEN")
				}
				if seen["SLACK_APP_TOKEN"] && seen["SLACK_SIGNING_SECRET"] {
					t.Error("both SLACK_APP_TOKEN and SLACK_SIGNING_SECRET: set one")
				}
			})
		}
	}
}

// setManifestEnv sets the process environment to what the container gets,
// with the example Secret's values, and nothing else of hearingbot's.
func setManifestEnv(t *testing.T, c corev1.Container, secret *corev1.Secret) {
	t.Helper()
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, envPrefix+"_") || strings.HasPrefix(name, "SLACK_") || name == "NO_COLOR" {
			t.Setenv(name, "") // restored after the test
			os.Unsetenv(name)
		}
	}
	for _, e := range c.Env {
		val := e.Value
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			val = secret.StringData[e.ValueFrom.SecretKeyRef.Key]
		}
		t.Setenv(e.Name, val)
	}
}

// The workloads' settings pass the binary's own checks.
func TestKubeConfigLoads(t *testing.T) {
	k := loadKube(t)
	t.Run("Deployment", func(t *testing.T) {
		setManifestEnv(t, k.deployment.Spec.Template.Spec.Containers[0], k.secret)
		cfg, err := loadConfig()
		if err != nil {
			t.Fatal(err)
		}
		if m, err := cfg.slackMode(); err != nil || m != socketMode {
			t.Errorf("slackMode = %q, %v; want socket mode", m, err)
		}
		if _, _, err := cfg.digestSettings(false); err != nil {
			t.Error(err)
		}
	})
	t.Run("CronJob", func(t *testing.T) {
		setManifestEnv(t, k.cronJob.Spec.JobTemplate.Spec.Template.Spec.Containers[0], k.secret)
		cfg, err := loadConfig()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(cfg.SlackBotToken, "xoxb-") {
			t.Errorf("SLACK_BOT_TOKEN %q", cfg.SlackBotToken)
		}
		if len(cfg.logProblems()) > 0 {
			t.Error(cfg.logProblems())
		}
		// As shipped, the channels are for the user to fill in, and the
		// binary says so; filled in, the settings pass.
		if _, _, err := cfg.digestSettings(true); err == nil || !strings.Contains(err.Error(), "DIGEST_CHANNELS") {
			t.Errorf("no channels yet: %v", err)
		}
		cfg.DigestChannels = []string{"C0123456789"}
		if _, _, err := cfg.digestSettings(true); err != nil {
			t.Error(err)
		}
	})
}

func TestKubeSecurity(t *testing.T) {
	k := loadKube(t)
	for _, w := range k.workloads() {
		t.Run(w.name, func(t *testing.T) {
			spec := w.template.Spec
			if a := spec.AutomountServiceAccountToken; a == nil || *a {
				t.Error("automountServiceAccountToken: want false, the bot never calls the Kubernetes API")
			}
			if spec.HostNetwork || spec.HostPID || spec.HostIPC {
				t.Error("host namespaces")
			}
			psc := spec.SecurityContext
			switch {
			case psc == nil:
				t.Fatal("no pod securityContext")
			case psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot:
				t.Error("runAsNonRoot: want true")
			case psc.RunAsUser == nil || *psc.RunAsUser != nonrootUID:
				t.Errorf("runAsUser %s, want %d (the image's user)", show(psc.RunAsUser), nonrootUID)
			case psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault:
				t.Errorf("seccompProfile %+v, want RuntimeDefault", psc.SeccompProfile)
			}
			for _, c := range spec.Containers {
				sc := c.SecurityContext
				switch {
				case sc == nil:
					t.Fatalf("container %s: no securityContext", c.Name)
				case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
					t.Errorf("container %s: allowPrivilegeEscalation: want false", c.Name)
				case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
					t.Errorf("container %s: readOnlyRootFilesystem: want true", c.Name)
				case sc.Privileged != nil && *sc.Privileged:
					t.Errorf("container %s: privileged", c.Name)
				case sc.Capabilities == nil:
					t.Errorf("container %s: no capabilities: drop ALL", c.Name)
				case sc.RunAsUser != nil && *sc.RunAsUser == 0:
					t.Errorf("container %s: runs as root", c.Name)
				}
				if sc.Capabilities != nil {
					if diff := cmp.Diff([]corev1.Capability{"ALL"}, sc.Capabilities.Drop); diff != "" || len(sc.Capabilities.Add) > 0 {
						t.Errorf("container %s: capabilities (-want +got):\n%s add %v", c.Name, diff, sc.Capabilities.Add)
					}
				}
			}
		})
	}
}

// The Service and the PDB take the Deployment's pods, and only those: not
// the CronJob's, which never serve.
func TestKubeSelectors(t *testing.T) {
	k := loadKube(t)
	bot := labels.Set(k.deployment.Spec.Template.Labels)
	digestPods := labels.Set(k.cronJob.Spec.JobTemplate.Spec.Template.Labels)
	pdbSel, err := metav1.LabelSelectorAsSelector(k.pdb.Spec.Selector)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		name string
		sel  labels.Selector
	}{
		{"Service", labels.SelectorFromSet(k.service.Spec.Selector)},
		{"PodDisruptionBudget", pdbSel},
	} {
		t.Run(s.name, func(t *testing.T) {
			if s.sel.Empty() || !s.sel.Matches(bot) {
				t.Errorf("selector %s does not select the Deployment's pods %v", s.sel, bot)
			}
			if s.sel.Matches(digestPods) {
				t.Errorf("selector %s selects the CronJob's pods %v too", s.sel, digestPods)
			}
		})
	}
	for _, l := range []labels.Set{bot, digestPods} {
		if l["app.kubernetes.io/name"] != "hearingbot" || l["app.kubernetes.io/component"] == "" {
			t.Errorf("pod labels %v: want app.kubernetes.io/name=hearingbot and a component", l)
		}
	}
}

func TestKubeService(t *testing.T) {
	k := loadKube(t)
	s := k.service
	c := k.deployment.Spec.Template.Spec.Containers[0]
	if s.Spec.Type != corev1.ServiceTypeClusterIP {
		t.Errorf("type %q, want ClusterIP (an Ingress in front)", s.Spec.Type)
	}
	if len(s.Spec.Ports) != 1 {
		t.Fatalf("ports %+v: want one", s.Spec.Ports)
	}
	p := s.Spec.Ports[0]
	if p.TargetPort.Type != intstr.String || len(c.Ports) == 0 || p.TargetPort.StrVal != c.Ports[0].Name {
		t.Errorf("targetPort %s: want the container port's name", p.TargetPort.String())
	}
}

func TestKubePDB(t *testing.T) {
	k := loadKube(t)
	p := k.pdb.Spec
	if p.MinAvailable == nil || p.MinAvailable.Type != intstr.Int || p.MinAvailable.IntVal != 1 || p.MaxUnavailable != nil {
		t.Errorf("minAvailable %v maxUnavailable %v: want minAvailable 1", p.MinAvailable, p.MaxUnavailable)
	}
	if r := k.deployment.Spec.Replicas; r != nil && p.MinAvailable != nil && p.MinAvailable.IntVal >= *r {
		t.Errorf("minAvailable %d with %d replicas: no node could ever be drained", p.MinAvailable.IntVal, *r)
	}
}

func TestKubeSecretExample(t *testing.T) {
	k := loadKube(t)
	s := k.secret
	if s.Name != slackSecret {
		t.Errorf("name %q, want %q", s.Name, slackSecret)
	}
	if len(s.Data) > 0 {
		t.Error("data: use stringData with placeholders")
	}
	vars := configVars()
	for key, val := range s.StringData {
		t.Run(key, func(t *testing.T) {
			if !vars[key].Secret {
				t.Errorf("%s is not a secret variable of hearingbot", key)
			}
			if !strings.Contains(val, "REPLACE") {
				t.Errorf("%s: %q is not a placeholder (want one containing REPLACE)", key, val)
			}
		})
	}
}

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, ...
	args string
}

// dockerStages reads the Dockerfile into its stages' instructions, each
// stage starting with its FROM.
func dockerStages(t *testing.T) [][]instruction {
	t.Helper()
	b, err := os.ReadFile(dockerfilePath)
	if err != nil {
		t.Fatal(err)
	}
	var stages [][]instruction
	var cur strings.Builder
	flush := func() {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return
		}
		cmd, args, _ := strings.Cut(line, " ")
		in := instruction{strings.ToUpper(cmd), strings.TrimSpace(args)}
		if in.cmd == "FROM" || len(stages) == 0 {
			stages = append(stages, nil)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			continue // comments, parser directives, comments inside continuations
		}
		if rest, ok := strings.CutSuffix(trimmed, `\`); ok {
			cur.WriteString(rest + " ")
			continue
		}
		cur.WriteString(trimmed)
		flush()
	}
	flush()
	if len(stages) < 2 || stages[0][0].cmd != "FROM" {
		t.Fatalf("want a multi-stage Dockerfile, got %d stages", len(stages))
	}
	return stages
}

// findAll returns the instructions of a stage with cmd.
func findAll(stage []instruction, cmd string) []instruction {
	var out []instruction
	for _, in := range stage {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

func indexOf(stage []instruction, cmd, contains string) int {
	return slices.IndexFunc(stage, func(in instruction) bool { return in.cmd == cmd && strings.Contains(in.args, contains) })
}

// execForm parses an exec-form (JSON array) argument.
func execForm(t *testing.T, s string) []string {
	t.Helper()
	var a []string
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		t.Errorf("%q: want the exec form, a JSON array (the image has no shell): %v", s, err)
	}
	return a
}

func TestDockerfile(t *testing.T) {
	stages := dockerStages(t)
	build, final := stages[0], stages[len(stages)-1]
	buildRun := strings.Join(func() []string {
		var s []string
		for _, in := range findAll(build, "RUN") {
			s = append(s, in.args)
		}
		return s
	}(), "\n")
	port := defaultPort(t)
	k := loadKube(t)

	for _, c := range []struct {
		name  string
		check func(t *testing.T)
	}{
		{"build stage", func(t *testing.T) {
			if !strings.Contains(build[0].args, "golang:1.26") || !strings.HasSuffix(build[0].args, " AS build") {
				t.Errorf("FROM %s: want golang:1.26 AS build", build[0].args)
			}
		}},
		{"modules cached", func(t *testing.T) {
			mods, download, all := indexOf(build, "COPY", "go.mod"), indexOf(build, "RUN", "go mod download"), indexOf(build, "COPY", ". .")
			if mods < 0 || download < mods || all < download {
				t.Errorf("want COPY go.mod go.sum, RUN go mod download, then COPY . . (at %d, %d, %d)", mods, download, all)
			}
		}},
		{"static build", func(t *testing.T) {
			for _, want := range []string{"CGO_ENABLED=0", "go build", "-trimpath", "-X main.version=${VERSION}", "./cmd/hearingbot"} {
				if !strings.Contains(buildRun, want) {
					t.Errorf("the build stage's RUN lacks %q", want)
				}
			}
			if indexOf(build, "ARG", "VERSION=") < 0 {
				t.Error("no ARG VERSION")
			}
		}},
		{"final stage", func(t *testing.T) {
			if final[0].args != "gcr.io/distroless/static-debian12:nonroot" {
				t.Errorf("FROM %s", final[0].args)
			}
			if indexOf(final, "COPY", "--from=build") < 0 {
				t.Error("no COPY --from=build")
			}
			if got := findAll(final, "RUN"); len(got) > 0 {
				t.Errorf("RUN in the final stage: it has no shell (%v)", got)
			}
		}},
		{"non-root user", func(t *testing.T) {
			users := findAll(final, "USER")
			if len(users) == 0 {
				t.Fatal("no USER")
			}
			uid, gid, _ := strings.Cut(users[len(users)-1].args, ":")
			// Numeric, so the kubelet can check runAsNonRoot against it.
			if n, err := strconv.Atoi(uid); err != nil || n == 0 {
				t.Errorf("USER %s: want a numeric non-root uid", users[len(users)-1].args)
			} else if psc := k.deployment.Spec.Template.Spec.SecurityContext; psc != nil && psc.RunAsUser != nil && int64(n) != *psc.RunAsUser {
				t.Errorf("USER uid %d, the Deployment's runAsUser %d", n, *psc.RunAsUser)
			}
			if gid == "0" {
				t.Error("USER: group root")
			}
		}},
		{"expose", func(t *testing.T) {
			// HEARINGBOT_ADDR's default port, then the manifests' metrics port
			metricsAddr, _ := envValue(k.deployment.Spec.Template.Spec.Containers[0], envPrefix+"_METRICS_ADDR")
			_, mport, _ := net.SplitHostPort(metricsAddr)
			if diff := cmp.Diff([]instruction{{"EXPOSE", strconv.Itoa(port) + " " + mport}}, findAll(final, "EXPOSE"), cmp.AllowUnexported(instruction{})); diff != "" {
				t.Errorf("EXPOSE, want %s_ADDR's default port and the metrics port (-want +got):\n%s", envPrefix, diff)
			}
		}},
		{"healthcheck", func(t *testing.T) {
			hc := findAll(final, "HEALTHCHECK")
			if len(hc) != 1 {
				t.Fatalf("want one HEALTHCHECK, got %d", len(hc))
			}
			_, cmd, ok := strings.Cut(hc[0].args, "CMD ")
			if !ok {
				t.Fatalf("HEALTHCHECK %s: no CMD", hc[0].args)
			}
			if diff := cmp.Diff([]string{"/hearingbot", "healthcheck"}, execForm(t, strings.TrimSpace(cmd))); diff != "" {
				t.Errorf("HEALTHCHECK CMD (-want +got):\n%s", diff)
			}
		}},
		{"entrypoint", func(t *testing.T) {
			ep, cmd := findAll(final, "ENTRYPOINT"), findAll(final, "CMD")
			if len(ep) != 1 || len(cmd) != 1 {
				t.Fatalf("want one ENTRYPOINT and one CMD, got %v %v", ep, cmd)
			}
			if diff := cmp.Diff([]string{"/hearingbot"}, execForm(t, ep[0].args)); diff != "" {
				t.Errorf("ENTRYPOINT (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"serve"}, execForm(t, cmd[0].args)); diff != "" {
				t.Errorf("CMD (-want +got):\n%s", diff)
			}
		}},
		{"no secrets", func(t *testing.T) {
			for _, stage := range stages {
				for _, in := range stage {
					up := strings.ToUpper(in.args)
					if (in.cmd == "ENV" || in.cmd == "ARG") && (strings.Contains(up, "SLACK_") || strings.Contains(up, "TOKEN") || strings.Contains(up, "SECRET")) {
						t.Errorf("%s %s: secrets come from the environment at run time, never the image", in.cmd, in.args)
					}
				}
			}
		}},
	} {
		t.Run(c.name, c.check)
	}
}

// .dockerignore keeps what the build needs.
func TestDockerignore(t *testing.T) {
	b, err := os.ReadFile(dockerignore)
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, strings.Trim(l, "/"))
		}
	}
	if !slices.Contains(patterns, ".git") {
		t.Error(".git is not ignored")
	}
	for _, need := range []string{"go.mod", "go.sum", "cmd", "cmd/hearingbot", "bot", "internal", "index", "content", "content/hearing.yaml"} {
		for _, p := range patterns {
			if ok, _ := filepath.Match(p, need); ok || strings.HasPrefix(p, "!") {
				t.Errorf("pattern %q: the build needs %s", p, need)
			}
		}
	}
}

// TestKubeHTTPOverlay: the http overlay adds the Service and swaps the
// app-level token for the signing secret, from the Secret; the socket
// overlay is the base. kubectl, when the machine has it, renders both.
func TestKubeHTTPOverlay(t *testing.T) {
	k := loadKube(t)
	var o struct {
		APIVersion string   `json:"apiVersion"`
		Kind       string   `json:"kind"`
		Resources  []string `json:"resources"`
		Patches    []struct {
			Target map[string]string `json:"target"`
			Patch  string            `json:"patch"`
		} `json:"patches"`
	}
	parseStrict(t, "../http/kustomization.yaml", &o)
	if !slices.Equal(o.Resources, []string{"../base", "service.yaml"}) || len(o.Patches) != 1 {
		t.Fatalf("resources %v, %d patches: want the base, the Service and one patch", o.Resources, len(o.Patches))
	}
	var ops []struct {
		Op, Path string
		Value    json.RawMessage
	}
	if err := yaml.Unmarshal([]byte(o.Patches[0].Patch), &ops); err != nil || len(ops) != 2 {
		t.Fatalf("patch: %v %+v", err, ops)
	}
	env := k.deployment.Spec.Template.Spec.Containers[0].Env
	if ops[0].Op != "test" || ops[0].Path != "/spec/template/spec/containers/0/env/1/name" || len(env) < 2 || env[1].Name != "SLACK_APP_TOKEN" {
		t.Errorf("the patch does not find SLACK_APP_TOKEN where the base has it: %+v", ops[0])
	}
	var swapped corev1.EnvVar
	if err := json.Unmarshal(ops[1].Value, &swapped); err != nil || swapped.Name != "SLACK_SIGNING_SECRET" || swapped.ValueFrom == nil ||
		swapped.ValueFrom.SecretKeyRef == nil || swapped.ValueFrom.SecretKeyRef.Name != slackSecret {
		t.Errorf("replacement %s: want SLACK_SIGNING_SECRET from the Secret (%v)", ops[1].Value, err)
	}
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Log("no kubectl here: the overlays were not rendered")
		return
	}
	for _, overlay := range []string{"socket", "http"} {
		out, err := exec.Command("kubectl", "kustomize", filepath.Join(kubeDir, "..", overlay)).CombinedOutput()
		if err != nil {
			t.Errorf("kubectl kustomize %s: %v\n%s", overlay, err, out)
		}
		if services := strings.Count(string(out), "\nkind: Service\n"); services != map[string]int{"socket": 0, "http": 1}[overlay] {
			t.Errorf("%s: %d Services", overlay, services)
		}
	}
}

// TestKubeRedisComponent: the redis component adds HEARINGBOT_REDIS_URL, from
// its own Secret, to every workload of the base; kubectl, when the machine
// has it, renders an overlay that uses it.
func TestKubeRedisComponent(t *testing.T) {
	k := loadKube(t)
	var c struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Patches    []struct {
			Target map[string]string `json:"target"`
			Patch  string            `json:"patch"`
		} `json:"patches"`
	}
	parseStrict(t, "../redis/kustomization.yaml", &c)
	if c.APIVersion != "kustomize.config.k8s.io/v1alpha1" || c.Kind != "Component" {
		t.Errorf("apiVersion %q kind %q: want a kustomize Component", c.APIVersion, c.Kind)
	}
	if v, ok := configVars()["HEARINGBOT_REDIS_URL"]; !ok || !v.Secret {
		t.Fatal("HEARINGBOT_REDIS_URL is not a secret variable of hearingbot's")
	}
	want := map[string]string{ // kind: name, the workloads of the base
		"Deployment": k.deployment.Name,
		"CronJob":    k.cronJob.Name,
	}
	got := map[string]string{}
	for _, p := range c.Patches {
		got[p.Target["kind"]] = p.Target["name"]
		var ops []struct {
			Op, Path string
			Value    corev1.EnvVar
		}
		if err := yaml.UnmarshalStrict([]byte(p.Patch), &ops); err != nil || len(ops) != 1 {
			t.Fatalf("%s patch: %v %+v", p.Target["kind"], err, ops)
		}
		op, ref := ops[0], ops[0].Value.ValueFrom
		if op.Op != "add" || !strings.HasSuffix(op.Path, "/containers/0/env/-") || op.Value.Name != "HEARINGBOT_REDIS_URL" ||
			op.Value.Value != "" || ref == nil || ref.SecretKeyRef == nil || ref.SecretKeyRef.Key != "HEARINGBOT_REDIS_URL" {
			t.Errorf("%s patch %+v: want HEARINGBOT_REDIS_URL added to the container's env from a Secret", p.Target["kind"], op)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("patch targets (-base +component):\n%s", diff)
	}
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Log("no kubectl here: the component was not rendered")
		return
	}
	// kustomize refuses absolute paths, so the overlay sits beside a copy.
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(kubeDir, ".."))); err != nil {
		t.Fatal(err)
	}
	overlay := filepath.Join(dir, "shared")
	os.Mkdir(overlay, 0o755)
	os.WriteFile(filepath.Join(overlay, "kustomization.yaml"), []byte(
		"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../http]\ncomponents: [../redis]\n"), 0o644)
	out, err := exec.Command("kubectl", "kustomize", overlay).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl kustomize: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "name: HEARINGBOT_REDIS_URL\n"); n != len(want) {
		t.Errorf("HEARINGBOT_REDIS_URL set %d times in the rendered overlay, want once per workload (%d)", n, len(want))
	}
}
