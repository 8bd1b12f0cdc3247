package functional

// The manifests under deploy/ (docs/scale.md) are checked here: every YAML
// document is decoded strictly (Kubernetes objects into the k8s.io/api
// types, unknown fields rejected), the chaostracing command lines use flags
// that the real binary's --help lists, every experiment they carry passes
// `chaostracing validate`, and the pieces fit: volumes name ConfigMaps that
// exist, runs send their traces to the collector's Service and port, and
// each run is non-root on a read-only root filesystem.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// manifest is one YAML document of a file under deploy/.
type manifest struct {
	file string
	doc  int // index of the document in its file
	json []byte
	kind string // "apiVersion/kind", or "" for a document without
}

func (m manifest) String() string { return m.file + "#" + strconv.Itoa(m.doc) }

// readManifests returns every YAML document of every file under deploy/.
func readManifests(t *testing.T) []manifest {
	t.Helper()
	root := filepath.Join(repoRoot(t), "deploy")
	var out []manifest
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (filepath.Ext(p) != ".yaml" && filepath.Ext(p) != ".yml") {
			return err
		}
		rel, _ := filepath.Rel(repoRoot(t), p)
		docs, err := yamlDocuments(p)
		for i, doc := range docs {
			m := manifest{file: filepath.ToSlash(rel), doc: i, json: doc}
			var head struct{ APIVersion, Kind string }
			if err := json.Unmarshal(doc, &head); err != nil {
				return err
			}
			if head.APIVersion != "" || head.Kind != "" {
				m.kind = head.APIVersion + "/" + head.Kind
			}
			out = append(out, m)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 6 {
		t.Fatalf("only %d manifests under deploy/", len(out))
	}
	return out
}

// yamlDocuments reads the documents of a YAML file, each as JSON.
func yamlDocuments(path string) ([][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs [][]byte
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		doc, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
}

// strict decodes JSON into v, rejecting fields v does not have.
func strict(t *testing.T, m manifest, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(m.json))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s (%s): %v", m, m.kind, err)
	}
}

// deployment is everything under deploy/, decoded.
type deployment struct {
	configMaps  map[string]corev1.ConfigMap
	jobs        []batchv1.Job
	deployments []appsv1.Deployment
	services    []corev1.Service
	workflows   []argoWorkflow
	actions     []actionsWorkflow
}

func decodeDeployment(t *testing.T) *deployment {
	t.Helper()
	d := &deployment{configMaps: map[string]corev1.ConfigMap{}}
	for _, m := range readManifests(t) {
		switch m.kind {
		case "v1/ConfigMap":
			var cm corev1.ConfigMap
			strict(t, m, &cm)
			d.configMaps[cm.Name] = cm
		case "batch/v1/Job":
			var job batchv1.Job
			strict(t, m, &job)
			d.jobs = append(d.jobs, job)
		case "apps/v1/Deployment":
			var dep appsv1.Deployment
			strict(t, m, &dep)
			d.deployments = append(d.deployments, dep)
		case "v1/Service":
			var svc corev1.Service
			strict(t, m, &svc)
			d.services = append(d.services, svc)
		case "argoproj.io/v1alpha1/Workflow":
			var wf argoWorkflow
			strict(t, m, &wf)
			d.workflows = append(d.workflows, wf)
		case "":
			if !strings.HasPrefix(m.file, "deploy/github-actions/") {
				t.Fatalf("%s has no apiVersion and kind", m)
			}
			var wf actionsWorkflow
			strict(t, m, &wf)
			d.actions = append(d.actions, wf)
		default:
			t.Fatalf("%s: no check for %s", m, m.kind)
		}
	}
	if len(d.jobs) == 0 || len(d.workflows) == 0 || len(d.actions) == 0 || len(d.services) == 0 {
		t.Fatalf("deploy/ lacks a Job, an Argo Workflow, a GitHub Actions workflow or the collector's Service")
	}
	return d
}

// argoWorkflow is the part of Argo's Workflow that the manifests use; its
// pod parts are the Kubernetes types.
type argoWorkflow struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name         string            `json:"name"`
		GenerateName string            `json:"generateName"`
		Labels       map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		Entrypoint      string                     `json:"entrypoint"`
		Parallelism     int                        `json:"parallelism"`
		Arguments       argoArguments              `json:"arguments"`
		SecurityContext *corev1.PodSecurityContext `json:"securityContext"`
		Volumes         []corev1.Volume            `json:"volumes"`
		Templates       []argoTemplate             `json:"templates"`
	} `json:"spec"`
}

type argoArguments struct {
	Parameters []struct {
		Name  string  `json:"name"`
		Value *string `json:"value"`
	} `json:"parameters"`
}

type argoTemplate struct {
	Name      string            `json:"name"`
	Inputs    argoArguments     `json:"inputs"`
	Steps     [][]argoStep      `json:"steps"`
	Volumes   []corev1.Volume   `json:"volumes"`
	Container *corev1.Container `json:"container"`
}

type argoStep struct {
	Name      string        `json:"name"`
	Template  string        `json:"template"`
	Arguments argoArguments `json:"arguments"`
	WithItems []string      `json:"withItems"`
}

// actionsWorkflow is the part of a GitHub Actions workflow that the
// manifests use.
type actionsWorkflow struct {
	Name        string            `json:"name"`
	On          map[string]any    `json:"on"`
	Permissions map[string]string `json:"permissions"`
	Jobs        map[string]struct {
		Needs    string            `json:"needs"`
		RunsOn   string            `json:"runs-on"`
		Outputs  map[string]string `json:"outputs"`
		Env      map[string]string `json:"env"`
		Strategy struct {
			FailFast bool                `json:"fail-fast"`
			Matrix   map[string][]string `json:"matrix"`
		} `json:"strategy"`
		Steps []struct {
			ID   string         `json:"id"`
			If   string         `json:"if"`
			Uses string         `json:"uses"`
			Run  string         `json:"run"`
			With map[string]any `json:"with"`
		} `json:"steps"`
	} `json:"jobs"`
}

// helpFlags caches the long flags that each command's --help lists.
var helpFlags = struct {
	sync.Mutex
	bySub map[string][]string
}{bySub: map[string][]string{}}

var longFlag = regexp.MustCompile(`--([a-z][a-z0-9-]*)`)

// knownFlags returns the long flags that `chaostracing SUB --help` lists
// (the root's for an empty SUB), and false when SUB is not a command.
func knownFlags(t *testing.T, sub string) ([]string, bool) {
	t.Helper()
	helpFlags.Lock()
	defer helpFlags.Unlock()
	if known, ok := helpFlags.bySub[sub]; ok {
		return known, known != nil
	}
	args := []string{"--help"}
	if sub != "" {
		args = []string{sub, "--help"}
	}
	res := chaostracing(t, invocation{args: args})
	var known []string
	if res.code == 0 && strings.Contains(res.stdout, strings.TrimSpace("chaostracing "+sub)) {
		for _, m := range longFlag.FindAllStringSubmatch(res.stdout, -1) {
			known = append(known, m[1])
		}
	}
	helpFlags.bySub[sub] = known
	return known, known != nil
}

// checkFlags fails the test unless each --flag of args is one that sub's
// --help lists.
func checkFlags(t *testing.T, where, sub string, args []string) {
	t.Helper()
	known, _ := knownFlags(t, sub)
	for _, a := range args {
		name, isFlag := strings.CutPrefix(a, "--")
		name, _, _ = strings.Cut(name, "=")
		if isFlag && !slices.Contains(known, name) {
			t.Errorf("%s: chaostracing %s has no flag --%s", where, sub, name)
		}
	}
}

// checkCommandLine fails the test unless args (without the program name)
// start with a chaostracing command and use only flags its --help lists.
func checkCommandLine(t *testing.T, where string, args []string) {
	t.Helper()
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		t.Errorf("%s: %q does not start with a command", where, args)
		return
	}
	if _, ok := knownFlags(t, args[0]); !ok {
		t.Errorf("%s: %q is not a chaostracing command", where, args[0])
		return
	}
	checkFlags(t, where, args[0], args[1:])
}

// validateExperiment runs `chaostracing validate` on an experiment.
func validateExperiment(t *testing.T, where string, doc []byte) {
	t.Helper()
	res := chaostracing(t, invocation{args: []string{"validate", "-"}, stdin: doc})
	if res.code != 0 {
		t.Errorf("%s: not a valid experiment: exit %d\n%s", where, res.code, res.stderr)
	}
}

// isExperiment tells an experiment from other files a ConfigMap holds.
func isExperiment(data string) bool {
	var doc map[string]any
	if yaml.Unmarshal([]byte(data), &doc) != nil {
		return false
	}
	_, title := doc["title"]
	_, method := doc["method"]
	return title && method
}

// The experiments the manifests carry are valid.
func TestDeployExperimentsValidate(t *testing.T) {
	d := decodeDeployment(t)
	found := 0
	for name, cm := range d.configMaps {
		for key, data := range cm.Data {
			if isExperiment(data) {
				found++
				validateExperiment(t, "ConfigMap "+name+" "+key, []byte(data))
			}
		}
	}
	if found < 3 {
		t.Errorf("%d experiments in ConfigMaps, want the Job's and the workflow's", found)
	}
}

// podChecks are what every chaos pod must be: a run that is not retried,
// non-root, read-only root filesystem, no privilege escalation.
func checkPod(t *testing.T, where string, pod *corev1.PodSecurityContext, c corev1.Container) {
	t.Helper()
	if pod == nil || pod.RunAsNonRoot == nil || !*pod.RunAsNonRoot || pod.RunAsUser == nil || *pod.RunAsUser == 0 {
		t.Errorf("%s: the pod's securityContext does not run as non-root: %+v", where, pod)
	}
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Errorf("%s: container %s: want readOnlyRootFilesystem, runAsNonRoot and no privilege escalation: %+v", where, c.Name, sc)
	}
	if len(c.Command) > 0 {
		t.Errorf("%s: container %s overrides the image's entrypoint (chaostracing): %v", where, c.Name, c.Command)
	}
	checkCommandLine(t, where, c.Args)
}

// checkVolumes fails the test unless each configMap volume names a
// ConfigMap of deploy/ and every mount has a volume; it returns the
// ConfigMap mounted at each mount path and the emptyDir mount paths.
func checkVolumes(t *testing.T, where string, d *deployment, volumes []corev1.Volume, mounts []corev1.VolumeMount) (map[string]corev1.ConfigMap, []string) {
	t.Helper()
	byName := map[string]corev1.Volume{}
	for _, v := range volumes {
		byName[v.Name] = v
	}
	configMaps := map[string]corev1.ConfigMap{}
	var emptyDirs []string
	for _, m := range mounts {
		v, ok := byName[m.Name]
		switch {
		case !ok:
			t.Errorf("%s: mount %s has no volume", where, m.Name)
		case v.ConfigMap != nil:
			cm, ok := d.configMaps[v.ConfigMap.Name]
			if !ok {
				t.Errorf("%s: volume %s names ConfigMap %s, which deploy/ does not define", where, v.Name, v.ConfigMap.Name)
			}
			configMaps[m.MountPath] = cm
		case v.EmptyDir != nil:
			emptyDirs = append(emptyDirs, m.MountPath)
		}
	}
	return configMaps, emptyDirs
}

// checkRunArgs checks a `run` command line's files: the experiment is a
// key of a mounted ConfigMap (items expands a {{...}} placeholder), and
// the journal goes to an emptyDir.
func checkRunArgs(t *testing.T, where string, args []string, configMaps map[string]corev1.ConfigMap, emptyDirs []string, items []string) {
	t.Helper()
	if len(args) < 2 || args[0] != "run" {
		t.Fatalf("%s: args %q do not run an experiment", where, args)
	}
	exp := args[len(args)-1]
	cm, ok := configMaps[filepath.Dir(exp)]
	if !ok {
		t.Errorf("%s: experiment %s is not in a mounted ConfigMap", where, exp)
	}
	keys := []string{filepath.Base(exp)}
	if strings.Contains(exp, "{{") {
		keys = items
	}
	for _, k := range keys {
		if !isExperiment(cm.Data[k]) {
			t.Errorf("%s: ConfigMap %s has no experiment %s", where, cm.Name, k)
		}
	}
	for _, a := range args {
		if j, ok := strings.CutPrefix(a, "--journal-path="); ok && !slices.Contains(emptyDirs, filepath.Dir(j)) {
			t.Errorf("%s: the journal %s is not on an emptyDir (%v)", where, j, emptyDirs)
		}
	}
}

// env returns the value of a container's environment variable.
func env(c corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

func TestDeployKubernetesJob(t *testing.T) {
	d := decodeDeployment(t)
	for _, job := range d.jobs {
		where := "Job " + job.Name
		spec := job.Spec.Template.Spec
		if spec.RestartPolicy != corev1.RestartPolicyNever && spec.RestartPolicy != corev1.RestartPolicyOnFailure {
			t.Errorf("%s: restartPolicy %q, want Never or OnFailure", where, spec.RestartPolicy)
		}
		if job.Spec.BackoffLimit == nil || *job.Spec.BackoffLimit != 0 {
			t.Errorf("%s: backoffLimit %v: a chaos run must not be retried", where, job.Spec.BackoffLimit)
		}
		if len(spec.Containers) != 1 || spec.Containers[0].Image == "" {
			t.Fatalf("%s: want one container with an image", where)
		}
		c := spec.Containers[0]
		checkPod(t, where, spec.SecurityContext, c)
		configMaps, emptyDirs := checkVolumes(t, where, d, spec.Volumes, c.VolumeMounts)
		checkRunArgs(t, where, c.Args, configMaps, emptyDirs, nil)
		checkTracing(t, where, d, c, "${TRACEPARENT}")
	}
}

func TestDeployArgoWorkflow(t *testing.T) {
	d := decodeDeployment(t)
	for _, wf := range d.workflows {
		where := "Workflow " + wf.Metadata.GenerateName + wf.Metadata.Name
		templates := map[string]argoTemplate{}
		for _, tpl := range wf.Spec.Templates {
			templates[tpl.Name] = tpl
		}
		entry, ok := templates[wf.Spec.Entrypoint]
		if !ok || len(entry.Steps) == 0 {
			t.Fatalf("%s: entrypoint %q is not a steps template", where, wf.Spec.Entrypoint)
		}
		runs := 0
		for _, group := range entry.Steps {
			for _, step := range group {
				tpl, ok := templates[step.Template]
				if !ok || tpl.Container == nil {
					t.Fatalf("%s: step %s runs %q, not a container template", where, step.Name, step.Template)
				}
				if len(step.WithItems) < 2 {
					t.Errorf("%s: step %s runs %d experiments, want several in parallel", where, step.Name, len(step.WithItems))
				}
				runs++
				c := *tpl.Container
				checkPod(t, where+" template "+tpl.Name, wf.Spec.SecurityContext, c)
				configMaps, emptyDirs := checkVolumes(t, where, d, append(slices.Clone(wf.Spec.Volumes), tpl.Volumes...), c.VolumeMounts)
				checkRunArgs(t, where, c.Args, configMaps, emptyDirs, step.WithItems)
				checkTracing(t, where, d, c, "{{workflow.parameters.traceparent}}")
			}
		}
		if runs == 0 {
			t.Errorf("%s runs nothing", where)
		}
	}
}

// checkTracing checks that a run sends its trace to the collector's
// Service, on a port it publishes, under the pipeline's TRACEPARENT.
func checkTracing(t *testing.T, where string, d *deployment, c corev1.Container, traceparent string) {
	t.Helper()
	if v, _ := env(c, "TRACEPARENT"); v != traceparent {
		t.Errorf("%s: TRACEPARENT %q, want %q", where, v, traceparent)
	}
	endpoint, _ := env(c, "OTEL_EXPORTER_OTLP_ENDPOINT")
	u, err := url.Parse(endpoint)
	if err != nil || u.Port() == "" {
		t.Fatalf("%s: OTEL_EXPORTER_OTLP_ENDPOINT %q is not a URL with a port", where, endpoint)
	}
	service, _, _ := strings.Cut(u.Hostname(), ".")
	for _, svc := range d.services {
		for _, p := range svc.Spec.Ports {
			if svc.Name == service && strconv.Itoa(int(p.Port)) == u.Port() {
				return
			}
		}
	}
	t.Errorf("%s: no Service %s publishes port %s of %s", where, service, u.Port(), endpoint)
}

// The collector's Deployment runs the config of its ConfigMap, its Service
// selects it, and the config's pipeline uses only components it defines
// and receives OTLP/HTTP on the port the runs send to.
func TestDeployCollector(t *testing.T) {
	d := decodeDeployment(t)
	if len(d.deployments) != 1 || len(d.services) != 1 {
		t.Fatalf("%d Deployments, %d Services: want the collector's", len(d.deployments), len(d.services))
	}
	dep, svc := d.deployments[0], d.services[0]
	for k, v := range svc.Spec.Selector {
		if dep.Spec.Template.Labels[k] != v {
			t.Errorf("Service %s selects %s=%s, which the Deployment's pods lack", svc.Name, k, v)
		}
	}
	c := dep.Spec.Template.Spec.Containers[0]
	configMaps, _ := checkVolumes(t, "Deployment "+dep.Name, d, dep.Spec.Template.Spec.Volumes, c.VolumeMounts)
	var config string
	for dir, cm := range configMaps {
		for key, data := range cm.Data {
			if slices.Contains(c.Args, "--config="+dir+"/"+key) {
				config = data
			}
		}
	}
	if config == "" {
		t.Fatalf("the collector's args %q name no file of its ConfigMaps", c.Args)
	}
	checkCollectorConfig(t, config)
}

// checkCollectorConfig checks that the trace pipeline's components are
// defined and that OTLP/HTTP is received on 4318.
func checkCollectorConfig(t *testing.T, config string) {
	t.Helper()
	var cfg struct {
		Receivers  map[string]any `yaml:"receivers"`
		Processors map[string]any `yaml:"processors"`
		Exporters  map[string]any `yaml:"exporters"`
		Service    struct {
			Pipelines map[string]map[string][]string `yaml:"pipelines"`
		} `yaml:"service"`
	}
	dec := yaml.NewDecoder(strings.NewReader(config))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf("collector config: %v", err)
	}
	traces, ok := cfg.Service.Pipelines["traces"]
	if !ok {
		t.Fatal("collector config: no traces pipeline")
	}
	for kind, defined := range map[string]map[string]any{"receivers": cfg.Receivers, "processors": cfg.Processors, "exporters": cfg.Exporters} {
		for _, name := range traces[kind] {
			if _, ok := defined[name]; !ok {
				t.Errorf("collector config: the traces pipeline uses %s %s, which is not defined", kind, name)
			}
		}
	}
	otlp, _ := json.Marshal(cfg.Receivers["otlp"])
	if !strings.Contains(string(otlp), `"http":{"endpoint":"0.0.0.0:4318"}`) {
		t.Errorf("collector config: the otlp receiver does not take OTLP/HTTP on 0.0.0.0:4318: %s", otlp)
	}
}

// The GitHub Actions matrix runs real experiments of this repository
// under one trace context, with real chaostracing command lines, and
// installs chaostracing the way README.md says.
func TestDeployGitHubActions(t *testing.T) {
	d := decodeDeployment(t)
	readme, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, wf := range d.actions {
		trace, ok := wf.Jobs["trace"]
		if !ok || !strings.Contains(trace.Outputs["traceparent"], "steps.") {
			t.Fatalf("workflow %s: no trace job making the traceparent output", wf.Name)
		}
		job, ok := wf.Jobs["experiment"]
		if !ok || job.Needs != "trace" || job.Env["TRACEPARENT"] != "${{ needs.trace.outputs.traceparent }}" {
			t.Fatalf("workflow %s: the experiment job does not pass the trace job's traceparent", wf.Name)
		}
		experiments := job.Strategy.Matrix["experiment"]
		if len(experiments) < 2 {
			t.Errorf("workflow %s: %d experiments in the matrix", wf.Name, len(experiments))
		}
		for _, e := range experiments {
			data, err := os.ReadFile(filepath.Join(repoRoot(t), e))
			if err != nil {
				t.Errorf("workflow %s: matrix experiment: %v", wf.Name, err)
				continue
			}
			validateExperiment(t, e, data)
		}
		lines := 0
		for _, step := range job.Steps {
			for _, line := range strings.Split(strings.TrimSpace(step.Run), "\n") {
				words := strings.Fields(line)
				switch {
				case len(words) > 1 && words[0] == "chaostracing":
					lines++
					checkCommandLine(t, "workflow "+wf.Name, words[1:])
				case len(words) > 1 && words[0] == "go" && words[1] == "install" && !bytes.Contains(readme, []byte(line)):
					t.Errorf("workflow %s: %q is not the install command README.md gives", wf.Name, line)
				}
			}
		}
		if lines < 2 {
			t.Errorf("workflow %s: %d chaostracing command lines", wf.Name, lines)
		}
	}
}

// The Kubernetes types the tests decode into stay out of the binary.
func TestTestDependenciesStayOutOfTheBinary(t *testing.T) {
	out := command(t, repoRoot(t), nil, "go", "version", "-m", binary)
	if !strings.Contains(out, "github.com/spf13/cobra") {
		t.Fatalf("go version -m lists no dependency:\n%s", out)
	}
	if strings.Contains(out, "k8s.io/") {
		t.Errorf("the binary links Kubernetes modules:\n%s", out)
	}
}

// docs/scale.md links every file under deploy/, and the collector config
// it shows is the one deploy/kubernetes/collector.yaml holds.
func TestScaleDocMatchesDeploy(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "scale.md"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	files := map[string]bool{}
	for _, m := range readManifests(t) {
		files[m.file] = true
	}
	for f := range files {
		if !strings.Contains(page, "](../"+f+")") {
			t.Errorf("docs/scale.md does not link %s", f)
		}
	}
	shown := false
	for _, b := range readBlocks(t, "docs/scale.md") {
		if b.lang == "yaml" && b.body == decodeDeployment(t).configMaps["otel-collector"].Data["config.yaml"] {
			shown = true
		}
	}
	if !shown {
		t.Error("docs/scale.md does not show the collector config of deploy/kubernetes/collector.yaml as it is")
	}
}
