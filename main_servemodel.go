package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"gopad.dev/gopad/kernel"
	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/keys"
)

// serveModelCmd is `gopad serve-model`: the flags KServe passes to a custom
// runtime (--model_dir, --model_name, --http_port) and gopad's own.
func serveModelCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "keys" {
		return keysCmd(args[1:], stdout, stderr)
	}
	fs := newFlagSet("serve-model", "gopad serve-model [--model_dir DIR] [--model_name NAME] [--http_port PORT] [--keys_file FILE] [flags]\n\n"+
		"Serves a model saved by ml.Save, a registry of published models, or the registry of a notebook root\n"+
		"(DIR/.gopad/models), over the Open Inference Protocol v2 (POST /v2/models/NAME/infer) and KServe V1.\n"+
		"Without --keys_file every request is served (in a cluster, access is the mesh's job).", stderr)
	modelDir := fs.String("model_dir", "/mnt/models", "directory written by ml.Save, a registry, or a notebook root")
	modelName := fs.String("model_name", "", "the model's name (default: the directory's name); with a registry, serve only this model")
	defaultPort := 8080
	if p := os.Getenv("PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return usageErrorf("$PORT %q is not a port number", p)
		}
		defaultPort = n
	}
	port := fs.Int("http_port", defaultPort, "port to listen on (default 8080, or $PORT)")
	host := fs.String("host", "", "address to listen on (default: every interface, as a container needs)")
	keysFile := fs.String("keys_file", "", "require API keys from this keys file (see: gopad serve-model keys)")
	maxBatch := fs.Int("max_batch_size", 32, "most samples one model call computes (dynamic batching)")
	maxDelay := fs.Duration("max_batch_delay", 0, "longest wait for more requests to fill a batch (0: batch only what is queued)")
	workers := fs.Int("workers", 0, "model replicas computing in parallel (default: the number of CPUs)")
	maxConc := fs.Int("max_concurrency", 256, "requests in flight per model before 429 Too Many Requests")
	timeout := fs.Duration("timeout", 30*time.Second, "per-request timeout (504 beyond)")
	maxBody := fs.Int64("max_body_bytes", 16<<20, "largest request body (413 beyond)")
	dropCache := fs.Bool("drop_file_cache", false, "after start, also drop the binary's page cache no process maps: a smaller RSS, a slower next start")
	_ = fs.Int("grpc_port", 0, "accepted for KServe; gopad serves REST only")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return usageErrorf("unexpected arguments %q (give the directory with --model_dir)", pos)
	}
	if *port < 0 || *port > 65535 {
		return usageErrorf("--http_port %d is not a port number", *port)
	}
	ctx, cancel := interruptContext()
	defer cancel()
	return serving.ListenAndServe(ctx, serving.StandaloneConfig{
		ModelDir: *modelDir, ModelName: *modelName,
		Addr:     *host + ":" + strconv.Itoa(*port),
		KeysFile: *keysFile,
		// serve-model runs none of the notebook's code the binary holds.
		ReleaseStartupMemory: true,
		DropFileCache:        *dropCache,
		Options: serving.Options{
			Batch:         serving.BatchConfig{MaxBatch: *maxBatch, MaxWait: *maxDelay, Workers: *workers},
			MaxConcurrent: *maxConc, Timeout: *timeout, MaxBodyBytes: *maxBody,
			Version: kernel.Version(),
		},
	}, stdout)
}

// keysCmd is `gopad serve-model keys ...`.
func keysCmd(args []string, stdout, stderr io.Writer) error {
	const synopsis = "gopad serve-model keys create --keys_file FILE --models M1,M2|'*' [--name NAME]\n" +
		"       gopad serve-model keys list --keys_file FILE\n" +
		"       gopad serve-model keys revoke --keys_file FILE ID\n" +
		"       gopad serve-model keys public --keys_file FILE MODEL on|off"
	if len(args) == 0 {
		fmt.Fprintf(stderr, "Usage: %s\n", synopsis)
		return usageErrorf("keys needs an action: create, list, revoke or public")
	}
	action := args[0]
	fs := newFlagSet("serve-model keys "+action, synopsis, stderr)
	file := fs.String("keys_file", "", "the keys file (created by the first key)")
	models := fs.String("models", "", "comma-separated models the key may call, or '*' for all (create)")
	name := fs.String("name", "", "a label for the key, e.g. who uses it (create)")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if *file == "" {
		fs.Usage()
		return usageErrorf("--keys_file is required")
	}
	store, err := keys.Open(*file)
	if err != nil {
		return err
	}
	switch action {
	case "create":
		if *models == "" || len(pos) != 0 {
			fs.Usage()
			return usageErrorf("create needs --models (and no arguments)")
		}
		token, key, err := store.Create(*name, strings.Split(*models, ","))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", token)
		fmt.Fprintf(stderr, "key %s for %s created; the token above is shown only now: send it as \"Authorization: Bearer TOKEN\"\n", key.ID, strings.Join(key.Models, ", "))
	case "list":
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tMODELS\tCREATED")
		for _, k := range store.List() {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.ID, k.Name, strings.Join(k.Models, ","), k.Created.Format(time.RFC3339))
		}
		tw.Flush()
		fmt.Fprintf(stdout, "public models: %s\n", strings.Join(append([]string{}, store.PublicModels()...), ", "))
	case "revoke":
		if len(pos) != 1 {
			fs.Usage()
			return usageErrorf("revoke needs the key's ID")
		}
		if err := store.Revoke(pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "key %s revoked\n", pos[0])
	case "public":
		if len(pos) != 2 || (pos[1] != "on" && pos[1] != "off") {
			fs.Usage()
			return usageErrorf("public needs MODEL and on or off")
		}
		if err := store.SetPublic(pos[0], pos[1] == "on"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "model %s is %s\n", pos[0], map[bool]string{true: "public: callable without a key", false: "private: keys required"}[pos[1] == "on"])
	default:
		fs.Usage()
		return usageErrorf("unknown keys action %q: create, list, revoke or public", action)
	}
	return nil
}
