package symbols

// gonum is the numerics library of cells: linear algebra, statistics, float
// slices, distributions, optimisation, and gonum/plot for static plots. Cells
// import these with their real paths (gonum.org/v1/gonum/mat, ...).
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract gonum.org/v1/gonum/mat gonum.org/v1/gonum/stat gonum.org/v1/gonum/floats gonum.org/v1/gonum/stat/distuv gonum.org/v1/gonum/optimize gonum.org/v1/plot gonum.org/v1/plot/plotter gonum.org/v1/plot/plotutil gonum.org/v1/plot/vg gonum.org/v1/plot/vg/draw

// GonumPackages lists the gonum import paths that cells can import.
var GonumPackages = []string{
	"gonum.org/v1/gonum/mat",
	"gonum.org/v1/gonum/stat",
	"gonum.org/v1/gonum/floats",
	"gonum.org/v1/gonum/stat/distuv",
	"gonum.org/v1/gonum/optimize",
	"gonum.org/v1/plot",
	"gonum.org/v1/plot/plotter",
	"gonum.org/v1/plot/plotutil",
	"gonum.org/v1/plot/vg",
	"gonum.org/v1/plot/vg/draw",
}
