package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gopad.dev/gopad/export"
	"gopad.dev/gopad/kernel"
	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/registry"
)

// exportCmd is `gopad export NAME[:VERSION] -o DIR`.
func exportCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", "gopad export NAME[:VERSION] -o DIR [--root DIR] [--push REF] [--tag TAG] [--storage_uri URI] [--binary FILE]\n\n"+
		"Writes version VERSION (default: the served default) of the published model NAME into DIR:\n"+
		"an OCI image tarball (docker/podman load) with a static gopad and the model, built without a\n"+
		"container daemon; a Dockerfile that builds the same image; Kubernetes manifests (k8s/, apply -k);\n"+
		"KServe's ClusterServingRuntime and InferenceService (kserve/); and a README for the model.", stderr)
	out := fs.String("o", "", "output directory (new or empty)")
	root := fs.String("root", "", "the notebook root whose registry (DIR/.gopad/models) holds the model, or a registry\n(default: the current directory if it has one, else the workspace ~/gopad)")
	push := fs.String("push", "", "also push the image to this reference (registry/repository:tag), with the credentials of docker/podman login")
	tag := fs.String("tag", "", "the image's tag in the tarball and manifests (default gopad-NAME:vVERSION)")
	storageURI := fs.String("storage_uri", "", "where KServe's storage initializer fetches the model (default pvc://gopad-models/NAME/vVERSION)")
	binary := fs.String("binary", "", "a static linux/amd64 gopad to put in the image (default: this gopad if it is one, else built with go)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		if len(pos) == 0 {
			return usageErrorf("name the model to export: gopad export NAME[:VERSION] -o DIR")
		}
		return usageErrorf("export one model at a time; got %q", pos)
	}
	model, version, err := export.ParseRef(pos[0])
	if err != nil {
		fs.Usage()
		return usageErrorf("%v", err)
	}
	if *out == "" {
		fs.Usage()
		return usageErrorf("give the output directory: -o DIR")
	}
	regDir, err := exportRegistryDir(*root)
	if err != nil {
		return err
	}
	reg, err := registry.Open(regDir)
	if err != nil {
		return err
	}
	defer reg.Close()
	// Say what is wrong with the model before spending time on a binary.
	inf, err := reg.Get(model)
	if errors.Is(err, registry.ErrNotFound) {
		var names []string
		list, _ := reg.List()
		for _, m := range list {
			names = append(names, m.Name)
		}
		if len(names) == 0 {
			names = []string{"none"}
		}
		return fmt.Errorf("no model %q in %s (published: %s)", model, regDir, strings.Join(names, ", "))
	}
	if err != nil {
		return err
	}
	if version != 0 {
		if _, err := inf.Version(version); err != nil {
			return err
		}
	}

	ctx, cancel := interruptContext()
	defer cancel()
	tmp, err := os.MkdirTemp("", "gopad-export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var bin export.Binary
	if *binary != "" {
		bin = export.Binary{Path: *binary, Origin: "given with --binary (" + *binary + ")"}
	} else {
		fmt.Fprintf(stderr, "gopad export: finding a static linux/amd64 gopad for the image\n")
		if bin, err = export.FindBinary(ctx, tmp); err != nil {
			return err
		}
	}
	res, err := export.Export(ctx, export.Options{
		Registry: reg, Model: model, Version: version, Dir: *out, Binary: bin,
		Tag: *tag, Push: *push, StorageURI: *storageURI, GopadVersion: kernel.Version(),
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %s version %d to %s\n", res.Model, res.Version, *out)
	fmt.Fprintf(stdout, "  image.tar   %s (image ID %s; docker load -i %s)\n", res.Tag, res.ImageID, filepath.Join(*out, "image.tar"))
	if res.Pushed != "" {
		fmt.Fprintf(stdout, "  pushed      %s\n", res.Pushed)
	}
	fmt.Fprintf(stdout, "  k8s/        kubectl apply -k %s\n", filepath.Join(*out, "k8s"))
	fmt.Fprintf(stdout, "  kserve/     ClusterServingRuntime, InferenceService (storageUri %s), kserve/model\n", res.StorageURI)
	fmt.Fprintf(stdout, "  README.md   how to load, push, apply and call it\n")
	fmt.Fprintf(stdout, "  gopad in the image: %s\n", res.Binary.Origin)
	return nil
}

// exportRegistryDir finds the registry export reads: --root's (a notebook
// root or a registry itself), else the current directory's, else the
// workspace's.
func exportRegistryDir(root string) (string, error) {
	if root == "" {
		if info, err := os.Stat(serving.RegistrySubdir); err == nil && info.IsDir() {
			return serving.RegistrySubdir, nil
		}
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no --root and no home directory for the workspace: %w", err)
		}
		root = filepath.Join(home, "gopad")
	}
	info, err := os.Stat(root)
	if errors.Is(err, os.ErrNotExist) {
		return "", usageErrorf("the notebook root %s does not exist (give the folder you serve with --root)", root)
	}
	if err != nil {
		return "", err
	}
	if !info.IsDir() {
		return "", usageErrorf("the notebook root %s is not a directory", root)
	}
	sub := filepath.Join(root, serving.RegistrySubdir)
	if info, err := os.Stat(sub); err == nil && info.IsDir() {
		return sub, nil
	}
	// A registry given directly: model directories with index.json.
	if entries, err := os.ReadDir(root); err == nil {
		for _, e := range entries {
			if _, err := os.Stat(filepath.Join(root, e.Name(), "index.json")); err == nil && !strings.HasPrefix(e.Name(), ".") {
				return root, nil
			}
		}
	}
	return "", fmt.Errorf("nothing is published in %s (no %s): publish the model from a notebook first (ml.Publish)", root, serving.RegistrySubdir)
}
