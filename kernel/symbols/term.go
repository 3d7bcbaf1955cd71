package symbols

// golang.org/x/term is how Go programs ask for a password
// (term.ReadPassword(int(os.Stdin.Fd()))). The kernel replaces ReadPassword
// for cells with one that asks the front end for hidden input.
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract golang.org/x/term
