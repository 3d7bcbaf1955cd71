package programs_test

import (
	"container/heap"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
)

type Item struct {
	Name     string
	Priority int
	index    int
}

type PQ []*Item

func (pq PQ) Len() int           { return len(pq) }
func (pq PQ) Less(i, j int) bool { return pq[i].Priority > pq[j].Priority }
func (pq PQ) Swap(i, j int)      { pq[i], pq[j] = pq[j], pq[i]; pq[i].index = i; pq[j].index = j }
func (pq *PQ) Push(x any)        { it := x.(*Item); it.index = len(*pq); *pq = append(*pq, it) }
func (pq *PQ) Pop() any          { old := *pq; n := len(old); it := old[n-1]; *pq = old[:n-1]; return it }
func (it *Item) String() string  { return fmt.Sprintf("%s:%d", it.Name, it.Priority) }

func Example_priorityQueue() {
	pq := &PQ{}
	heap.Init(pq)
	for i, name := range []string{"low", "high", "mid", "top"} {
		heap.Push(pq, &Item{Name: name, Priority: []int{1, 8, 5, 9}[i]})
	}
	var order []string
	for pq.Len() > 0 {
		it := heap.Pop(pq).(*Item)
		order = append(order, it.String())
	}
	fmt.Println(strings.Join(order, " "))
	// Output:
	// top:9 high:8 mid:5 low:1
}

type Vec []float64

func (v Vec) Add(w Vec) Vec {
	out := make(Vec, len(v))
	for i := range v {
		out[i] = v[i] + w[i]
	}
	return out
}
func (v Vec) Dot(w Vec) float64 {
	s := 0.0
	for i := range v {
		s += v[i] * w[i]
	}
	return s
}
func (v Vec) Norm() float64 { return math.Sqrt(v.Dot(v)) }
func (v Vec) String() string {
	return fmt.Sprintf("<%s>", strings.Trim(fmt.Sprint([]float64(v)), "[]"))
}
func (v Vec) Scale(k float64) Vec {
	out := make(Vec, len(v))
	for i, x := range v {
		out[i] = k * x
	}
	return out
}

func Example_vectors() {
	a, b := Vec{1, 2, 3}, Vec{4, 5, 6}
	fmt.Println(a.Add(b), a.Dot(b), a.Scale(2))
	fmt.Printf("%.3f %v\n", b.Norm(), []Vec{a, b})
	sum := Vec{0, 0, 0}
	for _, v := range []Vec{a, b, a} {
		sum = sum.Add(v)
	}
	fmt.Println(sum, sum.Scale(1.0/3))
	// Output:
	// <5 7 9> 32 <2 4 6>
	// 8.775 [<1 2 3> <4 5 6>]
	// <6 9 12> <2 3 4>
}

type Animal struct{ Name string }

func (a Animal) Speak() string    { return a.Name + " makes a sound" }
func (a Animal) Describe() string { return "animal " + a.Name }

type Dog struct {
	Animal
	Breed string
}

func (d Dog) Speak() string { return d.Name + " barks" }

type Speaker interface{ Speak() string }

func Example_embedding() {
	d := Dog{Animal{"rex"}, "collie"}
	fmt.Println(d.Speak(), "|", d.Describe(), "|", d.Animal.Speak())
	speakers := []Speaker{d, Animal{"cat"}, Dog{Animal{"fido"}, "pug"}}
	for _, s := range speakers {
		fmt.Println(s.Speak())
	}
	fmt.Printf("%+v\n", d)
	// Output:
	// rex barks | animal rex | rex makes a sound
	// rex barks
	// cat makes a sound
	// fido barks
	// {Animal:{Name:rex} Breed:collie}
}

type Stack[T any] struct{ items []T }

func (s *Stack[T]) Push(x T) { s.items = append(s.items, x) }
func (s *Stack[T]) Pop() (T, bool) {
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	x := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return x, true
}

func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func Filter[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

func Example_generics() {
	var s Stack[string]
	for _, w := range strings.Fields("a b c") {
		s.Push(w)
	}
	var popped []string
	for {
		w, ok := s.Pop()
		if !ok {
			break
		}
		popped = append(popped, w)
	}
	fmt.Println(strings.Join(popped, " "))
	sq := Map([]int{1, 2, 3, 4}, func(x int) int { return x * x })
	even := Filter(sq, func(x int) bool { return x%2 == 0 })
	names := Map([]Person2{{"x", 1}, {"y", 2}}, func(p Person2) string { return p.Name })
	fmt.Println(sq, even, names)
	// Output:
	// c b a
	// [1 4 9 16] [4 16] [x y]
}

type Person2 struct {
	Name string
	N    int
}

type Counter struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *Counter) Inc(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k]++
}

func Example_concurrency() {
	c := Counter{m: map[string]int{}}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c.Inc([]string{"a", "b"}[i%2])
		}(i)
	}
	wg.Wait()
	results := make(chan Person2, 3)
	for i := 0; i < 3; i++ {
		go func(i int) { results <- Person2{fmt.Sprint("w", i), i * i} }(i)
	}
	var got []Person2
	for i := 0; i < 3; i++ {
		got = append(got, <-results)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].N < got[j].N })
	fmt.Println(c.m["a"], c.m["b"], got)
	// Output:
	// 10 10 [{w0 0} {w1 1} {w2 4}]
}

type Config struct {
	Name    string            `json:"name"`
	Layers  []int             `json:"layers"`
	LR      float64           `json:"lr,omitempty"`
	Labels  map[string]string `json:"labels"`
	private int
}

func Example_jSON() {
	c := Config{Name: "mlp", Layers: []int{64, 10}, LR: 0.01, Labels: map[string]string{"b": "2", "a": "1"}}
	b, err := json.Marshal(c)
	fmt.Println(string(b), err)
	var back Config
	err = json.Unmarshal([]byte(`{"name":"cnn","layers":[3],"labels":{"x":"y"}}`), &back)
	fmt.Printf("%+v %v\n", back, err)
	var many []Config
	_ = json.Unmarshal([]byte(`[{"name":"a"},{"name":"b","lr":0.5}]`), &many)
	fmt.Println(len(many), many[1].Name, many[1].LR)
	// Output:
	// {"name":"mlp","layers":[64,10],"lr":0.01,"labels":{"a":"1","b":"2"}} <nil>
	// {Name:cnn Layers:[3] LR:0 Labels:map[x:y] private:0} <nil>
	// 2 b 0.5
}
