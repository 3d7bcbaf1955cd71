package ml

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Fold is one round of k-fold cross-validation: sample indices to train on and
// indices to validate on.
type Fold struct {
	Train []int
	Val   []int
}

// KFold splits 0..n-1 into k folds of sizes differing by at most one, after a
// shuffle determined by seed. Every index is validated on exactly once.
func KFold(n, k int, seed int64) []Fold {
	checkFolds(n, k)
	return foldsFromOrder(Permutation(n, seed), k)
}

// StratifiedKFold is KFold that keeps each class's proportion in every fold: the
// count of a class differs by at most one between folds.
func StratifiedKFold(labels []int, k int, seed int64) []Fold {
	checkFolds(len(labels), k)
	rng := newRNG(seed)
	var order []int
	for _, idx := range groupByClass(labels) {
		shuffled := append([]int(nil), idx...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		order = append(order, shuffled...)
	}
	// Dealing the class-grouped order round-robin gives every fold either the floor
	// or the ceiling of its share of each class.
	return foldsFromOrder(order, k)
}

// Folds returns k folds of d: stratified for classification data (see
// Dataset.IsClassification), plain otherwise.
func (d Dataset) Folds(k int, seed int64) []Fold {
	if d.IsClassification() {
		return StratifiedKFold(d.Labels(), k, seed)
	}
	return KFold(d.Len(), k, seed)
}

func checkFolds(n, k int) {
	if k < 2 {
		panic(fmt.Sprintf("ml: k-fold: k = %d, need at least 2 folds", k))
	}
	if n < k {
		panic(fmt.Sprintf("ml: k-fold: %d samples cannot fill %d folds", n, k))
	}
}

func foldsFromOrder(order []int, k int) []Fold {
	val := make([][]int, k)
	for pos, i := range order {
		val[pos%k] = append(val[pos%k], i)
	}
	folds := make([]Fold, k)
	for f := range folds {
		folds[f].Val = val[f]
		sort.Ints(folds[f].Val)
		for g := range val {
			if g != f {
				folds[f].Train = append(folds[f].Train, val[g]...)
			}
		}
		sort.Ints(folds[f].Train)
	}
	return folds
}

// CVResult holds the validation score of each fold and their summary.
type CVResult struct {
	Scores  []float64 // one per completed fold
	Mean    float64
	Std     float64 // population standard deviation of Scores
	Folds   int     // folds requested
	Stopped bool    // interrupted before every fold ran
}

// String summarises the result, e.g. "5-fold CV: 0.9600 ± 0.0249 (0.9667 0.9333 ...)".
func (r CVResult) String() string {
	parts := make([]string, len(r.Scores))
	for i, s := range r.Scores {
		parts[i] = strconv.FormatFloat(s, 'f', 4, 64)
	}
	stopped := ""
	if r.Stopped {
		stopped = fmt.Sprintf(", interrupted after %d of %d folds", len(r.Scores), r.Folds)
	}
	return fmt.Sprintf("%d-fold CV: %.4f ± %.4f (%s)%s", r.Folds, r.Mean, r.Std, strings.Join(parts, " "), stopped)
}

// Table returns one row per fold plus mean and std rows, for a display table.
func (r CVResult) Table() (columns []string, rows [][]any) {
	columns = []string{"fold", "score"}
	for i, s := range r.Scores {
		rows = append(rows, []any{strconv.Itoa(i + 1), s})
	}
	rows = append(rows, []any{"mean", r.Mean}, []any{"std", r.Std})
	return columns, rows
}

// CrossValidate runs train once per fold of d (see Dataset.Folds) and collects the
// score it returns for the validation part; higher is better by convention (return
// a negated loss to compare losses).
//
// While it runs, training that uses the default progress (FitConfig.Progress nil)
// shows nothing, so that k runs do not print k progress views, but an interrupt
// still reaches it; an interrupt also ends cross-validation after the current fold.
func CrossValidate(d Dataset, k int, seed int64, train func(train, val Dataset) float64) CVResult {
	if train == nil {
		panic("ml: CrossValidate: nil train function")
	}
	folds := d.Folds(k, seed)
	quiet := beginQuietProgress()
	defer quiet.end()
	return runFolds(d, folds, quiet, func(tr, val Dataset) float64 { return train(tr, val) })
}

func runFolds(d Dataset, folds []Fold, quiet *quietScope, train func(tr, val Dataset) float64) CVResult {
	r := CVResult{Folds: len(folds)}
	for _, f := range folds {
		if quiet.stopped() {
			r.Stopped = true
			break
		}
		score := train(d.Subset(f.Train), d.Subset(f.Val))
		if quiet.stopped() {
			// Training was probably cut short: its score is not comparable.
			r.Stopped = true
			break
		}
		r.Scores = append(r.Scores, score)
	}
	r.Mean, r.Std = meanStd(r.Scores)
	return r
}

func meanStd(xs []float64) (mean, std float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(xs)))
}

// Grid lists the values to try for each hyperparameter, e.g.
// ml.Grid{"lr": {1e-3, 3e-3}, "hidden": {64, 128}}.
type Grid map[string][]float64

// Params is one combination of hyperparameter values.
type Params map[string]float64

// Get returns the value of a parameter; it panics, naming the parameters it has,
// when name is missing.
func (p Params) Get(name string) float64 {
	v, ok := p[name]
	if !ok {
		panic(fmt.Sprintf("ml: Params: no parameter %q (have %s)", name, strings.Join(p.names(), ", ")))
	}
	return v
}

// Int returns a parameter as an int (for sizes and counts), rounding to nearest.
func (p Params) Int(name string) int { return int(math.Round(p.Get(name))) }

func (p Params) names() []string {
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// String lists the parameters in name order, e.g. "hidden=128 lr=0.001".
func (p Params) String() string {
	var parts []string
	for _, n := range p.names() {
		parts = append(parts, n+"="+strconv.FormatFloat(p[n], 'g', -1, 64))
	}
	return strings.Join(parts, " ")
}

// Combinations returns every combination of the grid's values: parameters in name
// order, the last name varying fastest, values in the order given.
func (g Grid) Combinations() []Params {
	names := make([]string, 0, len(g))
	for n, vs := range g {
		if len(vs) == 0 {
			panic(fmt.Sprintf("ml: Grid: parameter %q has no values", n))
		}
		names = append(names, n)
	}
	sort.Strings(names)
	combos := []Params{{}}
	for _, n := range names {
		var next []Params
		for _, c := range combos {
			for _, v := range g[n] {
				p := make(Params, len(c)+1)
				for k, x := range c {
					p[k] = x
				}
				p[n] = v
				next = append(next, p)
			}
		}
		combos = next
	}
	return combos
}

// GridTrial is the cross-validated score of one parameter combination.
type GridTrial struct {
	Params Params
	CV     CVResult
}

// GridResult is what GridSearch returns: every trial in grid order and the best.
type GridResult struct {
	Names   []string // parameter names, in column order
	Trials  []GridTrial
	Best    int  // index into Trials of the highest mean score; -1 if none ran
	Stopped bool // interrupted before every trial ran
}

// BestParams returns the parameters of the best trial, or nil if none ran.
func (r GridResult) BestParams() Params {
	if r.Best < 0 {
		return nil
	}
	return r.Trials[r.Best].Params
}

// BestScore returns the mean validation score of the best trial (NaN if none ran).
func (r GridResult) BestScore() float64 {
	if r.Best < 0 {
		return math.NaN()
	}
	return r.Trials[r.Best].CV.Mean
}

// GridSearch cross-validates every combination of grid (k folds of d, the same
// folds for every combination) with train, which receives the combination and
// returns a validation score (higher is better). Training progress is quieted and
// interrupts are honoured as in CrossValidate.
func GridSearch(grid Grid, d Dataset, k int, seed int64, train func(p Params, train, val Dataset) float64) GridResult {
	if train == nil {
		panic("ml: GridSearch: nil train function")
	}
	if len(grid) == 0 {
		panic("ml: GridSearch: empty grid")
	}
	combos := grid.Combinations()
	folds := d.Folds(k, seed)
	quiet := beginQuietProgress()
	defer quiet.end()
	r := GridResult{Best: -1}
	for n := range grid {
		r.Names = append(r.Names, n)
	}
	sort.Strings(r.Names)
	quiet.beginSweep(len(combos), "combination", "score")
	defer func() { quiet.endSweep(r.Stopped) }()
	for _, p := range combos {
		if quiet.stopped() {
			r.Stopped = true
			break
		}
		params := p
		cv := runFolds(d, folds, quiet, func(tr, val Dataset) float64 { return train(params, tr, val) })
		if cv.Stopped {
			r.Stopped = true
			break // a partial trial is not comparable with complete ones
		}
		quiet.sweepStep(cv.Mean)
		r.Trials = append(r.Trials, GridTrial{Params: params, CV: cv})
		last := len(r.Trials) - 1
		if r.Best < 0 || cv.Mean > r.Trials[r.Best].CV.Mean {
			r.Best = last
		}
	}
	return r
}

// Table returns one row per trial: the parameter values, each fold's score, the
// mean and standard deviation, and a "best" marker, for a display table.
func (r GridResult) Table() (columns []string, rows [][]any) {
	columns = append(columns, r.Names...)
	folds := 0
	if len(r.Trials) > 0 {
		folds = r.Trials[0].CV.Folds
	}
	for f := 1; f <= folds; f++ {
		columns = append(columns, fmt.Sprintf("fold %d", f))
	}
	columns = append(columns, "mean", "std", "best")
	for i, t := range r.Trials {
		var row []any
		for _, n := range r.Names {
			row = append(row, t.Params[n])
		}
		for f := 0; f < folds; f++ {
			if f < len(t.CV.Scores) {
				row = append(row, round4(t.CV.Scores[f]))
			} else {
				row = append(row, "")
			}
		}
		mark := ""
		if i == r.Best {
			mark = "*"
		}
		row = append(row, round4(t.CV.Mean), round4(t.CV.Std), mark)
		rows = append(rows, row)
	}
	return columns, rows
}

// String renders the trials as an aligned text table followed by the best
// combination.
func (r GridResult) String() string {
	columns, rows := r.Table()
	cells := [][]string{columns}
	for _, row := range rows {
		line := make([]string, len(row))
		for i, v := range row {
			switch x := v.(type) {
			case float64:
				line[i] = strconv.FormatFloat(x, 'g', -1, 64)
			default:
				line[i] = fmt.Sprint(v)
			}
		}
		cells = append(cells, line)
	}
	var b strings.Builder
	b.WriteString(formatTextTable(cells, 0))
	if r.Best >= 0 {
		fmt.Fprintf(&b, "best: %s (mean %.4f)\n", r.BestParams(), r.BestScore())
	}
	if r.Stopped {
		fmt.Fprintf(&b, "interrupted: %d trials completed\n", len(r.Trials))
	}
	return b.String()
}

// quietScope replaces the default progress while cross-validation runs: the inner
// Fit calls show nothing, but their Stopped still asks the original view, so an
// interrupt stops both the current Fit and the remaining folds.
type quietScope struct {
	saved   func() Progress
	outer   Progress // from the saved factory; asked only for Stopped
	nesting bool     // a scope was already active: leave it in charge

	sweep      *History // the sweep shown on outer (beginSweep), or nil
	sweepStart time.Time
}

var quietDepth int // guarded by defaultProgressMu

func beginQuietProgress() *quietScope {
	defaultProgressMu.Lock()
	defer defaultProgressMu.Unlock()
	q := &quietScope{saved: defaultProgress, nesting: quietDepth > 0}
	quietDepth++
	if q.nesting {
		return q
	}
	if q.saved != nil {
		q.outer = q.saved()
	}
	outer := q.outer
	defaultProgress = func() Progress { return quietProgress{outer: outer} }
	return q
}

func (q *quietScope) stopped() bool {
	if q.outer != nil {
		return q.outer.Stopped()
	}
	if q.nesting {
		defaultProgressMu.Lock()
		f := defaultProgress
		defaultProgressMu.Unlock()
		if f != nil {
			return f().Stopped()
		}
	}
	return false
}

// beginSweep shows a sweep of steps (a grid's combinations, a sensitivity
// analysis's pruned copies) on the view the scope replaced, as a run whose
// "epochs" are the steps and whose metric is the score each step gives, so
// that a notebook shows a progress bar and the scores so far. Nested scopes
// and silent runs show nothing.
func (q *quietScope) beginSweep(steps int, step, metric string) {
	if q.nesting || q.outer == nil || steps <= 0 {
		return
	}
	q.sweep = &History{Planned: steps, Metrics: []string{metric}, Seed: 0}
	q.sweepStart = time.Now()
	q.outer.Begin(FitInfo{Epochs: steps, BatchesPerEpoch: 1, Metrics: []string{metric}, Step: step})
}

// sweepStep reports the score of the next step.
func (q *quietScope) sweepStep(score float64) {
	if q.sweep == nil {
		return
	}
	k := len(q.sweep.Epochs) + 1
	el := time.Since(q.sweepStart)
	q.outer.Batch(BatchStats{Epoch: k, Batch: 1, Batches: 1, Loss: math.NaN(), Elapsed: el})
	es := EpochStats{Epoch: k, Epochs: q.sweep.Planned, Loss: math.NaN(), ValLoss: math.NaN(),
		Metrics: map[string]float64{q.sweep.Metrics[0]: score}, Elapsed: el}
	q.sweep.Epochs = append(q.sweep.Epochs, es)
	q.outer.Epoch(es)
}

// endSweep closes the sweep's view; stopped marks an interrupt.
func (q *quietScope) endSweep(stopped bool) {
	if q.sweep == nil {
		return
	}
	if stopped {
		q.sweep.Stopped, q.sweep.StopReason = true, "interrupted"
	}
	q.sweep.Elapsed = time.Since(q.sweepStart)
	q.outer.End(q.sweep)
	q.sweep = nil
}

func (q *quietScope) end() {
	defaultProgressMu.Lock()
	defer defaultProgressMu.Unlock()
	quietDepth--
	if !q.nesting {
		defaultProgress = q.saved
	}
}

// quietProgress shows nothing and forwards Stopped to the view it replaces.
type quietProgress struct{ outer Progress }

func (quietProgress) Begin(FitInfo)    {}
func (quietProgress) Batch(BatchStats) {}
func (quietProgress) Epoch(EpochStats) {}
func (quietProgress) End(*History)     {}
func (q quietProgress) Stopped() bool  { return q.outer != nil && q.outer.Stopped() }
