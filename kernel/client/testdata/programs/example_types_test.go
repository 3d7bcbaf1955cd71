package programs_test

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

type Shape interface {
	Area() float64
	Perimeter() float64
}

type Rect struct{ W, H float64 }

func (r Rect) Area() float64      { return r.W * r.H }
func (r Rect) Perimeter() float64 { return 2 * (r.W + r.H) }
func (r Rect) String() string     { return fmt.Sprintf("Rect(%gx%g)", r.W, r.H) }

type Circle struct{ R float64 }

func (c Circle) Area() float64      { return math.Pi * c.R * c.R }
func (c Circle) Perimeter() float64 { return 2 * math.Pi * c.R }
func (c Circle) String() string     { return fmt.Sprintf("Circle(%g)", c.R) }

func Example_shapes() {
	var shapes []Shape
	for i := 1; i <= 3; i++ {
		shapes = append(shapes, Rect{float64(i), 2})
		shapes = append(shapes, Circle{float64(i) / 2})
	}
	sort.Slice(shapes, func(i, j int) bool { return shapes[i].Area() < shapes[j].Area() })
	for _, s := range shapes {
		fmt.Printf("%v area=%.2f perim=%.2f\n", s, s.Area(), s.Perimeter())
	}
	fmt.Println(shapes[0], len(shapes))
	// Output:
	// Circle(0.5) area=0.79 perim=3.14
	// Rect(1x2) area=2.00 perim=6.00
	// Circle(1) area=3.14 perim=6.28
	// Rect(2x2) area=4.00 perim=8.00
	// Rect(3x2) area=6.00 perim=10.00
	// Circle(1.5) area=7.07 perim=9.42
	// Circle(0.5) 6
}

type Color int

const (
	Red Color = iota
	Green
	Blue
)

func (c Color) String() string { return [...]string{"red", "green", "blue"}[c] }

func Example_stringerEnum() {
	counts := map[Color]int{}
	for _, c := range []Color{Red, Blue, Blue, Green, Blue} {
		counts[c]++
	}
	keys := make([]Color, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, k := range keys {
		fmt.Printf("%v=%d (%d) %s\n", k, counts[k], int(k), k)
	}
	fmt.Println(keys)
	var favourite fmt.Stringer = Blue
	fmt.Println("favourite:", favourite)
	// Output:
	// red=1 (0) red
	// green=1 (1) green
	// blue=3 (2) blue
	// [red green blue]
	// favourite: blue
}

type ValidationError struct {
	Field string
	Value int
}

func (e ValidationError) Error() string {
	return fmt.Sprintf("invalid %s: %d", e.Field, e.Value)
}

type NotFound struct{ Key string }

func (e *NotFound) Error() string { return "not found: " + e.Key }

func validate(age, height int) []error {
	var errs []error
	if age < 0 {
		errs = append(errs, ValidationError{"age", age})
	}
	if height <= 0 {
		errs = append(errs, ValidationError{"height", height})
	}
	return errs
}

func lookup(m map[string]int, key string) (int, error) {
	v, ok := m[key]
	if !ok {
		return 0, &NotFound{key}
	}
	return v, nil
}

func Example_customErrors() {
	for _, in := range [][2]int{{30, 180}, {-1, 170}, {-5, 0}} {
		errs := validate(in[0], in[1])
		fmt.Println(in, len(errs), errs)
	}
	m := map[string]int{"a": 1}
	var all []error
	for _, k := range []string{"a", "b", "c"} {
		if _, err := lookup(m, k); err != nil {
			all = append(all, fmt.Errorf("lookup %s: %w", k, err))
		}
	}
	for _, err := range all {
		var nf *NotFound
		if errors.As(err, &nf) {
			fmt.Println(err, "->", nf.Key)
		}
	}
	joined := errors.Join(all...)
	fmt.Println(strings.ReplaceAll(joined.Error(), "\n", " | "))
	var ve ValidationError
	err := fmt.Errorf("wrapped: %w", validate(-2, 1)[0])
	fmt.Println(errors.As(err, &ve), ve.Field, ve.Value)
	// Output:
	// [30 180] 0 []
	// [-1 170] 1 [invalid age: -1]
	// [-5 0] 2 [invalid age: -5 invalid height: 0]
	// lookup b: not found: b -> b
	// lookup c: not found: c -> c
	// lookup b: not found: b | lookup c: not found: c
	// true age -2
}

type Person struct {
	Name string
	Age  int
}

type ByAge []Person

func (a ByAge) Len() int           { return len(a) }
func (a ByAge) Swap(i, j int)      { a[i], a[j] = a[j], a[i] }
func (a ByAge) Less(i, j int) bool { return a[i].Age < a[j].Age }

func Example_sortInterface() {
	people := []Person{{"Alice", 30}, {"Bob", 25}, {"Carol", 35}, {"Dan", 25}}
	sort.Stable(ByAge(people))
	fmt.Println(people)
	sort.Sort(sort.Reverse(ByAge(people)))
	fmt.Println(people[0].Name, people[len(people)-1].Age)
	// Output:
	// [{Bob 25} {Dan 25} {Alice 30} {Carol 35}]
	// Carol 25
}

type Account struct {
	Owner   string
	Balance float64
	History []string
}

var ErrInsufficient = errors.New("insufficient funds")

func (a *Account) Deposit(x float64) {
	a.Balance += x
	a.History = append(a.History, fmt.Sprintf("+%.2f", x))
}

func (a *Account) Withdraw(x float64) error {
	if x > a.Balance {
		return fmt.Errorf("withdraw %.2f from %s: %w", x, a.Owner, ErrInsufficient)
	}
	a.Balance -= x
	a.History = append(a.History, fmt.Sprintf("-%.2f", x))
	return nil
}

func Example_account() {
	acc := &Account{Owner: "ann"}
	acc.Deposit(100)
	var failures []error
	for _, amt := range []float64{30, 80, 50, 10} {
		if err := acc.Withdraw(amt); err != nil {
			failures = append(failures, err)
		}
	}
	fmt.Printf("%.2f %v\n", acc.Balance, acc.History)
	for _, f := range failures {
		fmt.Println(f, errors.Is(f, ErrInsufficient))
	}
	accounts := map[string]*Account{"ann": acc, "bo": {Owner: "bo"}}
	accounts["bo"].Deposit(5)
	fmt.Println(accounts["bo"].Balance, len(accounts["ann"].History))
	// Output:
	// 10.00 [+100.00 -30.00 -50.00 -10.00]
	// withdraw 80.00 from ann: insufficient funds true
	// 5 4
}
