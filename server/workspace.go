package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WorkspaceName is the folder in the user's home that gopad serves when it is
// given none, as Livebook keeps its notebooks in ~/livebook: starting gopad from a
// source tree or any other folder never turns that folder into a notebook root.
const WorkspaceName = "gopad"

// DefaultWorkspace returns the folder gopad serves when none is given,
// $HOME/gopad, and makes it on first use (created reports that). It is an error
// when there is no home directory or the name is taken by something that is not a
// folder: serving some other folder instead would put notebooks where the user
// does not look for them.
func DefaultWorkspace() (dir string, created bool, err error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", false, fmt.Errorf("find the default workspace: %w; give the folder to serve instead (gopad DIR)", err)
	}
	dir = filepath.Join(home, WorkspaceName)
	info, err := os.Stat(dir)
	switch {
	case err == nil && info.IsDir():
		return dir, false, nil
	case err == nil:
		return "", false, fmt.Errorf("the default workspace %s is not a folder; move it away or give the folder to serve (gopad DIR)", dir)
	case !errors.Is(err, fs.ErrNotExist):
		return "", false, fmt.Errorf("the default workspace: %w", err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return "", false, fmt.Errorf("create the default workspace: %w; give the folder to serve instead (gopad DIR)", err)
	}
	return dir, true, nil
}
