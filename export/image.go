package export

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Where things are in the image.
const (
	BinaryPath = "/usr/local/bin/gopad"
	ModelDir   = "/mnt/models"
	Port       = 8080
	// UID and GID of the image's user "nonroot" (the number distroless uses).
	UID = 65532
	GID = 65532
)

// Entrypoint is the image's entrypoint.
var Entrypoint = []string{BinaryPath, "serve-model", "--model_dir", ModelDir}

// Labels on the image (beside the org.opencontainers.image.* ones).
const (
	LabelModel   = "dev.gopad.model.name"
	LabelVersion = "dev.gopad.model.version"
	LabelLineage = "dev.gopad.model.lineage"
	LabelGopad   = "dev.gopad.version"
)

// imageLayers are the image's layers, each a directory of the root
// filesystem, in order: the base (users, /tmp), gopad, the model. The model
// changes most often, so it comes last and the others stay cached.
var imageLayers = []struct {
	dirs []string
	what string
}{
	{[]string{"etc", "tmp"}, "users root and nonroot (" + strconv.Itoa(UID) + "), /tmp"},
	{[]string{"usr"}, "gopad at " + BinaryPath},
	{[]string{"mnt"}, "the model at " + ModelDir},
}

// passwd and group are the base layer's user database: the runtime needs a
// name for the user only for tools; the image runs as UID:GID.
const (
	passwd = "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
	group  = "root:x:0:\nnonroot:x:65532:\n"
)

// buildImage makes the image from the root filesystem in rootfs (with etc/,
// usr/ and mnt/), one layer per top-level directory. Files are owned by
// root and dated created, so the same export gives the same image digest.
func buildImage(rootfs string, created time.Time, labels map[string]string) (v1.Image, error) {
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	var adds []mutate.Addendum
	for _, l := range imageLayers {
		data, err := tarDirs(rootfs, l.dirs, created)
		if err != nil {
			return nil, fmt.Errorf("image layer %s: %w", l.what, err)
		}
		layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data)), nil
		}, tarball.WithMediaType(types.OCILayer))
		if err != nil {
			return nil, fmt.Errorf("image layer %s: %w", l.what, err)
		}
		adds = append(adds, mutate.Addendum{Layer: layer, MediaType: types.OCILayer,
			History: v1.History{Created: v1.Time{Time: created}, CreatedBy: "gopad export: " + l.what}})
	}
	img, err := mutate.Append(img, adds...)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS = "amd64", "linux"
	cf.Created = v1.Time{Time: created}
	cf.Config = v1.Config{
		User:         fmt.Sprintf("%d:%d", UID, GID),
		Entrypoint:   Entrypoint,
		Env:          []string{"PATH=/usr/local/bin"},
		ExposedPorts: map[string]struct{}{strconv.Itoa(Port) + "/tcp": {}},
		WorkingDir:   "/",
		Labels:       labels,
	}
	return mutate.ConfigFile(img, cf)
}

// tarDirs returns a tar of the directories rootfs/dir with paths relative to
// rootfs, parent directories first, in a stable order.
func tarDirs(rootfs string, dirs []string, mtime time.Time) ([]byte, error) {
	var paths []string
	for _, dir := range dirs {
		err := filepath.WalkDir(filepath.Join(rootfs, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			paths = append(paths, p)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(paths)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, p := range paths {
		info, err := os.Lstat(p)
		if err != nil {
			return nil, err
		}
		rel, err := filepath.Rel(rootfs, p)
		if err != nil {
			return nil, err
		}
		h := &tar.Header{Name: filepath.ToSlash(rel), ModTime: mtime, Uid: 0, Gid: 0, Uname: "root", Gname: "root", Format: tar.FormatPAX}
		switch {
		case info.IsDir():
			h.Typeflag, h.Name, h.Mode = tar.TypeDir, h.Name+"/", 0o755
			if path.Clean(h.Name) == "tmp" {
				h.Mode = 0o1777
			}
		case info.Mode().IsRegular():
			h.Typeflag, h.Size, h.Mode = tar.TypeReg, info.Size(), 0o644
			if info.Mode()&0o111 != 0 {
				h.Mode = 0o755
			}
		default:
			return nil, fmt.Errorf("%s is neither a file nor a directory", p)
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg {
			f, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeTarball writes img as a `docker load` / `podman load` archive tagged tag.
func writeTarball(file string, tag name.Tag, img v1.Image) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := tarball.Write(tag, img, f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", file, err)
	}
	return f.Close()
}

// Push pushes img to ref with the credentials of the default keychain
// (docker/podman config files and their credential helpers) and returns the
// pushed reference by digest.
func Push(ctx context.Context, img v1.Image, ref string) (name.Digest, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return name.Digest{}, fmt.Errorf("--push %q is not an image reference: %w", ref, err)
	}
	if err := remote.Write(r, img, remote.WithAuthFromKeychain(authn.DefaultKeychain), remote.WithContext(ctx)); err != nil {
		return name.Digest{}, fmt.Errorf("push %s: %w", r, err)
	}
	d, err := img.Digest()
	if err != nil {
		return name.Digest{}, err
	}
	return r.Context().Digest(d.String()), nil
}
