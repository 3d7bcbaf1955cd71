// Package export turns a published model version into what a cluster runs:
// an OCI image tarball (built without a container daemon, with
// go-containerregistry) holding a static gopad and the model, a Dockerfile
// that builds the same image, Kubernetes manifests generated from the
// Kubernetes API types, KServe's ClusterServingRuntime and InferenceService
// with the model directory laid out for KServe's storage initializer, and a
// README written for the model.
//
// Layout of the output directory:
//
//	README.md                  how to load, push, apply and call it
//	image.tar                  `docker load` / `podman load` archive, tagged
//	Dockerfile, rootfs/        the same image for `docker build .`
//	k8s/                       Deployment, Service, HPA, PDB, kustomization.yaml
//	k8s/optional/              requests-per-second HPA and its Prometheus adapter rule
//	kserve/                    ClusterServingRuntime, InferenceService
//	kserve/model/              the model as KServe's storageUri must hold it
package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"gopad.dev/gopad/serving/registry"
)

// ErrBadRef is wrapped by errors about a NAME[:VERSION] that cannot be parsed.
var ErrBadRef = errors.New("bad model reference")

// ParseRef parses NAME[:VERSION] (VERSION: a number, optionally "v3", or
// absent for the default version, returned as 0).
func ParseRef(ref string) (string, int, error) {
	nm, ver, hasVer := strings.Cut(ref, ":")
	if err := registry.CheckName(nm); err != nil {
		return "", 0, fmt.Errorf("%w %q: %v", ErrBadRef, ref, err)
	}
	if !hasVer {
		return nm, 0, nil
	}
	v, err := strconv.Atoi(strings.TrimPrefix(ver, "v"))
	if err != nil || v < 1 {
		return "", 0, fmt.Errorf("%w %q: the version %q is not a version number (1, 2, ... or v1, v2, ...)", ErrBadRef, ref, ver)
	}
	return nm, v, nil
}

// Options says what to export and where.
type Options struct {
	Registry *registry.Registry
	Model    string
	Version  int // 0: the default version
	// Dir is the output directory; it must not exist or be empty.
	Dir    string
	Binary Binary
	// Tag is the image's tag in image.tar (default gopad-NAME:vN, lowercase).
	Tag string
	// Push, when set, is where to push the image; the manifests then name it
	// by digest.
	Push string
	// StorageURI is the InferenceService's storageUri (default
	// pvc://gopad-models/NAME/vN: copy kserve/model there).
	StorageURI string
	// GopadVersion goes into a label.
	GopadVersion string
}

// Result says what Export wrote.
type Result struct {
	Model      string
	Version    int
	Tag        string
	Image      string  // the reference the manifests use (the tag, or the pushed digest)
	Digest     v1.Hash // the OCI manifest's digest: what a registry names it by once pushed
	ImageID    v1.Hash // the config's digest: the ID docker and podman show after loading
	Pushed     string  // the pushed reference by digest, if pushed
	Files      []string
	Size       Sizing
	Binary     Binary
	StorageURI string
}

// Export writes the artefacts of opts.Model's version into opts.Dir.
func Export(ctx context.Context, opts Options) (res *Result, err error) {
	if opts.Registry == nil {
		return nil, errors.New("export: no registry")
	}
	if err := registry.CheckName(opts.Model); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := CheckBinary(opts.Binary.Path); err != nil {
		return nil, fmt.Errorf("export: the binary for the image: %w", err)
	}
	inf, err := opts.Registry.Get(opts.Model)
	if err != nil {
		if errors.Is(err, registry.ErrNotFound) {
			return nil, fmt.Errorf("export: no model %q in %s%s", opts.Model, opts.Registry.Dir(), knownModels(opts.Registry))
		}
		return nil, fmt.Errorf("export: %w", err)
	}
	version := opts.Version
	if version == 0 {
		version = inf.Default
	}
	if _, err := inf.Version(version); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := prepareDir(opts.Dir); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	// Leave nothing half-written behind: on failure, remove what was made.
	defer func() {
		if err != nil {
			removeContents(opts.Dir)
		}
	}()

	tag := opts.Tag
	if tag == "" {
		tag = strings.ToLower("gopad-"+opts.Model) + ":v" + strconv.Itoa(version)
	}
	imgTag, err := name.NewTag(tag)
	if err != nil {
		return nil, fmt.Errorf("export: %q cannot tag an image (give --tag): %w", tag, err)
	}

	// The root filesystem: users, gopad, the model as a one-version registry.
	rootfs := filepath.Join(opts.Dir, "rootfs")
	for _, d := range []string{"etc", "tmp", "usr/local/bin", "mnt"} {
		if err := os.MkdirAll(filepath.Join(rootfs, d), 0o755); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
	}
	if err := os.Chmod(filepath.Join(rootfs, "tmp"), 0o1777); err != nil { // as the image's /tmp
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := os.WriteFile(filepath.Join(rootfs, "etc/passwd"), []byte(passwd), 0o644); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := os.WriteFile(filepath.Join(rootfs, "etc/group"), []byte(group), 0o644); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := copyFile(opts.Binary.Path, filepath.Join(rootfs, BinaryPath), 0o755); err != nil {
		return nil, fmt.Errorf("export: copy gopad: %w", err)
	}
	vi, err := opts.Registry.Snapshot(opts.Model, version, filepath.Join(rootfs, ModelDir))
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	versionDir := filepath.Join(rootfs, ModelDir, opts.Model, registry.VersionDirName(version))

	// KServe's storage initializer copies storageUri's content into
	// /mnt/models, and the runtime serves it under the InferenceService's
	// name: the files ml.Save wrote, flat.
	kserveModel := filepath.Join(opts.Dir, "kserve", "model")
	if err := os.MkdirAll(kserveModel, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	entries, err := os.ReadDir(versionDir)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	for _, e := range entries {
		if err := copyFile(filepath.Join(versionDir, e.Name()), filepath.Join(kserveModel, e.Name()), 0o644); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
	}

	labels := imageLabels(opts, vi, version)
	img, err := buildImage(rootfs, vi.Created.UTC().Truncate(time.Second), labels)
	if err != nil {
		return nil, fmt.Errorf("export: build the image: %w", err)
	}
	digest, err := img.Digest()
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	imageID, err := img.ConfigName()
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := writeTarball(filepath.Join(opts.Dir, "image.tar"), imgTag, img); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	res = &Result{Model: opts.Model, Version: version, Tag: tag, Image: tag, Digest: digest, ImageID: imageID,
		Size: SizeFor(vi.Bytes), Binary: opts.Binary}
	if opts.Push != "" {
		pushed, err := Push(ctx, img, opts.Push)
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		res.Pushed = pushed.String()
		res.Image = pushed.String()
	}

	res.StorageURI = opts.StorageURI
	if res.StorageURI == "" {
		res.StorageURI = "pvc://gopad-models/" + opts.Model + "/v" + strconv.Itoa(version)
	}
	t := target{Object: ObjectName(opts.Model), Model: opts.Model, Version: version, Image: res.Image, Size: res.Size}
	files := map[string][]byte{"Dockerfile": dockerfile(labels), ".dockerignore": []byte(dockerignore)}
	k8s, err := t.manifests()
	if err != nil {
		return nil, fmt.Errorf("export: manifests: %w", err)
	}
	for f, data := range k8s {
		files[filepath.Join("k8s", f)] = data
	}
	ks, err := t.kserveManifests(res.StorageURI)
	if err != nil {
		return nil, fmt.Errorf("export: kserve: %w", err)
	}
	for f, data := range ks {
		files[filepath.Join("kserve", f)] = data
	}
	readme, err := writeReadme(versionDir, t, res, vi)
	if err != nil {
		return nil, fmt.Errorf("export: README: %w", err)
	}
	files["README.md"] = readme
	for f, data := range files {
		p := filepath.Join(opts.Dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
	}
	err = filepath.WalkDir(opts.Dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(opts.Dir, p)
			res.Files = append(res.Files, rel)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return res, nil
}

func knownModels(reg *registry.Registry) string {
	list, err := reg.List()
	if err != nil || len(list) == 0 {
		return " (nothing is published there)"
	}
	var names []string
	for _, inf := range list {
		names = append(names, inf.Name)
	}
	return " (published: " + strings.Join(names, ", ") + ")"
}

// imageLabels are the OCI annotations and gopad's own labels.
func imageLabels(opts Options, vi registry.VersionInfo, version int) map[string]string {
	lin := vi.Lineage
	lin.History = nil // epochs of training do not belong in a label; lineage.json in the image has them
	linJSON, _ := json.Marshal(lin)
	l := map[string]string{
		"org.opencontainers.image.title":       opts.Model,
		"org.opencontainers.image.version":     strconv.Itoa(version),
		"org.opencontainers.image.created":     vi.Created.UTC().Truncate(time.Second).Format(time.RFC3339),
		"org.opencontainers.image.description": fmt.Sprintf("gopad model %s version %d, served over the Open Inference Protocol v2 on port %d", opts.Model, version, Port),
		LabelModel:                             opts.Model,
		LabelVersion:                           strconv.Itoa(version),
		LabelLineage:                           string(linJSON),
	}
	if opts.GopadVersion != "" {
		l[LabelGopad] = opts.GopadVersion
	}
	return l
}

var nonDNS = regexp.MustCompile(`[^a-z0-9-]+`)

// ObjectName makes a model name a Kubernetes object name (a DNS-1035 label:
// lowercase letters, digits and '-', starting with a letter), as Services
// and InferenceServices need.
func ObjectName(model string) string {
	s := strings.Trim(nonDNS.ReplaceAllString(strings.ToLower(model), "-"), "-")
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "model-" + s
	}
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	return s
}

// prepareDir makes dir, or accepts it if it is an empty directory: an export
// never overwrites files.
func prepareDir(dir string) error {
	if dir == "" {
		return errors.New("no output directory (give -o DIR)")
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return fmt.Errorf("output directory: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("output directory %s is not empty: give a new or empty one", dir)
	}
	return nil
}

func removeContents(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

func copyFile(src, dst string, mode os.FileMode) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, mode)
}

const dockerignore = "image.tar\nk8s/\nkserve/\nREADME.md\n"

// dockerfile builds the same image from rootfs/ with the same layers, user,
// entrypoint, port and labels.
func dockerfile(labels map[string]string) []byte {
	var b strings.Builder
	b.WriteString("# Builds the image of image.tar from rootfs/: docker build -t TAG .  (or podman build)\n")
	b.WriteString("# No base image and no shell: gopad is a static binary.\n")
	b.WriteString("FROM scratch\n")
	b.WriteString("COPY rootfs/etc/ /etc/\nCOPY rootfs/tmp/ /tmp/\n")
	b.WriteString("COPY rootfs/usr/ /usr/\n")
	b.WriteString("COPY rootfs/mnt/ /mnt/\n")
	b.WriteString("ENV PATH=/usr/local/bin\n")
	fmt.Fprintf(&b, "USER %d:%d\n", UID, GID)
	fmt.Fprintf(&b, "EXPOSE %d/tcp\n", Port)
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sortStrings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "LABEL %s=%s\n", k, strconv.Quote(labels[k]))
	}
	ep, _ := json.Marshal(Entrypoint)
	fmt.Fprintf(&b, "ENTRYPOINT %s\n", ep)
	return []byte(b.String())
}
