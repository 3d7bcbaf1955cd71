package programs_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

type Model struct {
	W, B float64
}

func (m Model) Predict(x float64) float64 { return m.W*x + m.B }

func (m *Model) Step(xs, ys []float64, lr float64) float64 {
	var gw, gb, loss float64
	for i, x := range xs {
		d := m.Predict(x) - ys[i]
		loss += d * d
		gw += 2 * d * x
		gb += 2 * d
	}
	n := float64(len(xs))
	m.W -= lr * gw / n
	m.B -= lr * gb / n
	return loss / n
}

func (m Model) String() string { return fmt.Sprintf("y = %.3fx + %.3f", m.W, m.B) }

type Epoch struct {
	N    int
	Loss float64
}

func (e Epoch) String() string { return fmt.Sprintf("epoch %d: %.5f", e.N, e.Loss) }

func Example_linearRegression() {
	xs := []float64{0, 1, 2, 3, 4}
	ys := []float64{1, 3, 5, 7, 9}
	var m Model
	var history []Epoch
	for epoch := 1; epoch <= 200; epoch++ {
		loss := m.Step(xs, ys, 0.05)
		if epoch%50 == 0 {
			history = append(history, Epoch{epoch, loss})
		}
	}
	fmt.Println(m)
	fmt.Println(history)
	var logs []fmt.Stringer
	for _, h := range history {
		logs = append(logs, h)
	}
	fmt.Println(logs[0], logs[len(logs)-1])
	// Output:
	// y = 2.000x + 0.999
	// [epoch 50: 0.00122 epoch 100: 0.00006 epoch 150: 0.00000 epoch 200: 0.00000]
	// epoch 50: 0.00122 epoch 200: 0.00000
}

type Stats struct {
	n        int
	mean, m2 float64
	min, max float64
}

func (s *Stats) Add(x float64) {
	if s.n == 0 || x < s.min {
		s.min = x
	}
	if s.n == 0 || x > s.max {
		s.max = x
	}
	s.n++
	d := x - s.mean
	s.mean += d / float64(s.n)
	s.m2 += d * (x - s.mean)
}

func (s Stats) Std() float64 { return math.Sqrt(s.m2 / float64(s.n-1)) }
func (s Stats) String() string {
	return fmt.Sprintf("n=%d mean=%.3f std=%.3f range=[%g, %g]", s.n, s.mean, s.Std(), s.min, s.max)
}

func Example_runningStats() {
	var all Stats
	byClass := map[string]*Stats{}
	data := []struct {
		class string
		x     float64
	}{{"a", 1}, {"b", 10}, {"a", 3}, {"b", 14}, {"a", 2}, {"b", 12}}
	for _, d := range data {
		all.Add(d.x)
		if byClass[d.class] == nil {
			byClass[d.class] = &Stats{}
		}
		byClass[d.class].Add(d.x)
	}
	fmt.Println(all)
	fmt.Println(*byClass["a"], byClass["b"].String())
	snap := all
	all.Add(100)
	fmt.Println(snap.n, all.n)
	// Output:
	// n=6 mean=7.000 std=5.657 range=[1, 14]
	// n=3 mean=2.000 std=1.000 range=[1, 3] n=3 mean=12.000 std=2.000 range=[10, 14]
	// 6 7
}

type State int

const (
	Idle State = iota
	Running
	Done
	Failed
)

func (s State) String() string {
	switch s {
	case Idle:
		return "Idle"
	case Running:
		return "Running"
	case Done:
		return "Done"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

type TransitionError struct{ From, To State }

func (e TransitionError) Error() string { return fmt.Sprintf("cannot go from %v to %v", e.From, e.To) }

type Machine struct {
	state   State
	history []State
}

func (m *Machine) To(s State) error {
	if s <= m.state {
		return TransitionError{m.state, s}
	}
	m.history = append(m.history, m.state)
	m.state = s
	return nil
}

func Example_stateMachine() {
	var m Machine
	var errs []error
	for _, s := range []State{Running, Idle, Done, Running, Failed} {
		if err := m.To(s); err != nil {
			errs = append(errs, err)
		}
	}
	fmt.Println(m.state, m.history)
	fmt.Println(errs)
	var te TransitionError
	fmt.Println(errors.As(errs[1], &te), te.From, te.To)
	// Output:
	// State(3) [Idle Running Done]
	// [cannot go from Running to Idle cannot go from Done to Running]
	// true Done Running
}

type Celsius float64
type Fahrenheit float64

func (c Celsius) String() string    { return fmt.Sprintf("%.1f°C", float64(c)) }
func (f Fahrenheit) String() string { return fmt.Sprintf("%.1f°F", float64(f)) }
func CToF(c Celsius) Fahrenheit     { return Fahrenheit(c*9/5 + 32) }

func Example_temperatures() {
	temps := []Celsius{-40, 0, 37, 100}
	var lines []string
	for _, t := range temps {
		lines = append(lines, fmt.Sprintf("%v = %v", t, CToF(t)))
	}
	fmt.Println(strings.Join(lines, "; "))
	fmt.Println(temps, CToF(temps[2]))
	m := map[string]Celsius{"body": 37}
	fmt.Println(m)
	// Output:
	// -40.0°C = -40.0°F; 0.0°C = 32.0°F; 37.0°C = 98.6°F; 100.0°C = 212.0°F
	// [-40.0°C 0.0°C 37.0°C 100.0°C] 98.6°F
	// map[body:37.0°C]
}

type Matrix struct {
	R, C int
	Data []float64
}

func NewMatrix(r, c int, data ...float64) *Matrix { return &Matrix{r, c, data} }
func (m *Matrix) At(i, j int) float64             { return m.Data[i*m.C+j] }
func (m *Matrix) Mul(n *Matrix) (*Matrix, error) {
	if m.C != n.R {
		return nil, fmt.Errorf("shape mismatch: %dx%d times %dx%d", m.R, m.C, n.R, n.C)
	}
	out := NewMatrix(m.R, n.C, make([]float64, m.R*n.C)...)
	for i := 0; i < m.R; i++ {
		for j := 0; j < n.C; j++ {
			for k := 0; k < m.C; k++ {
				out.Data[i*n.C+j] += m.At(i, k) * n.At(k, j)
			}
		}
	}
	return out, nil
}
func (m *Matrix) String() string {
	var b strings.Builder
	for i := 0; i < m.R; i++ {
		fmt.Fprintln(&b, m.Data[i*m.C:(i+1)*m.C])
	}
	return strings.TrimSpace(b.String())
}

func Example_matrix() {
	a := NewMatrix(2, 3, 1, 2, 3, 4, 5, 6)
	b := NewMatrix(3, 2, 1, 0, 0, 1, 1, 1)
	c, err := a.Mul(b)
	fmt.Println(c, err)
	_, err = a.Mul(a)
	fmt.Println(err)
	fmt.Printf("%v|%s\n", c.Data, c)
	// Output:
	// [4 5]
	// [10 11] <nil>
	// shape mismatch: 2x3 times 2x3
	// [4 5 10 11]|[4 5]
	// [10 11]
}
