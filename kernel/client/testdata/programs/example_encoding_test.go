package programs_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
)

// JSON and XML of the types a notebook defines: embedded structs are
// flattened, values held in maps of any and in interface fields are encoded
// with their fields, decoding fills promoted fields, xml names an element
// after its type.

type Timestamps struct {
	Created string `json:"created" xml:"created"`
	Updated string `json:"updated,omitempty" xml:"updated,omitempty"`
}

type Location struct {
	City    string `json:"city"`
	Country string `json:"country"`
}

type Customer struct {
	ID   int    `json:"id" xml:"id,attr"`
	Name string `json:"name" xml:"name"`
	Timestamps
	*Location `json:",omitempty" xml:"-"`
	notes     string
}

type Order struct {
	Customer Customer       `json:"customer"`
	Lines    []OrderLine    `json:"lines"`
	Meta     map[string]any `json:"meta,omitempty"`
	Err      error          `json:"err,omitempty"`
}

type OrderLine struct {
	SKU string  `json:"sku"`
	Qty int     `json:"qty"`
	Net float64 `json:"net"`
}

type LookupError struct {
	Key  string `json:"key"`
	Code int    `json:"code"`
}

func (e LookupError) Error() string { return fmt.Sprintf("lookup %s: %d", e.Key, e.Code) }

func Example_jsonOfCellTypes() {
	c := Customer{ID: 7, Name: "Ada", Timestamps: Timestamps{Created: "2026-01-02"}, Location: &Location{"Paris", "FR"}, notes: "vip"}
	b, err := json.Marshal(c)
	fmt.Println(string(b), err)

	order := Order{
		Customer: Customer{ID: 8, Name: "Bo"},
		Lines:    []OrderLine{{"A-1", 2, 9.5}, {"B-2", 1, 3}},
		Meta:     map[string]any{"source": "web", "coupon": OrderLine{"C-0", 1, -2}, "tags": []any{"x", Location{"Oslo", "NO"}}},
		Err:      LookupError{"stock", 404},
	}
	b, err = json.MarshalIndent(order, "", "  ")
	fmt.Println(string(b), err)

	events := []any{c.Timestamps, &OrderLine{"D-4", 3, 1.25}, map[string]any{"n": 1}, nil}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, ev := range events {
		if err := enc.Encode(ev); err != nil {
			fmt.Println("encode:", err)
		}
	}
	fmt.Print(buf.String())

	var back Customer
	err = json.Unmarshal([]byte(`{"id":9,"name":"Cy","created":"2025-12-31","city":"Rome","country":"IT"}`), &back)
	fmt.Printf("%d %s %s %+v %v\n", back.ID, back.Name, back.Created, *back.Location, err)

	var many map[string][]Customer
	dec := json.NewDecoder(strings.NewReader(`{"team":[{"id":1,"name":"D","created":"x"},{"id":2,"name":"E","updated":"y"}]}`))
	err = dec.Decode(&many)
	fmt.Println(len(many["team"]), many["team"][0].Created, many["team"][1].Updated, many["team"][1].Location == nil, err)

	var le LookupError
	err = json.Unmarshal([]byte(`{"key":"k","code":500}`), &le)
	var asErr error = le
	fmt.Println(asErr, err, errors.Is(asErr, le))
	// Output:
	// {"id":7,"name":"Ada","created":"2026-01-02","city":"Paris","country":"FR"} <nil>
	// {
	//   "customer": {
	//     "id": 8,
	//     "name": "Bo",
	//     "created": ""
	//   },
	//   "lines": [
	//     {
	//       "sku": "A-1",
	//       "qty": 2,
	//       "net": 9.5
	//     },
	//     {
	//       "sku": "B-2",
	//       "qty": 1,
	//       "net": 3
	//     }
	//   ],
	//   "meta": {
	//     "coupon": {
	//       "sku": "C-0",
	//       "qty": 1,
	//       "net": -2
	//     },
	//     "source": "web",
	//     "tags": [
	//       "x",
	//       {
	//         "city": "Oslo",
	//         "country": "NO"
	//       }
	//     ]
	//   },
	//   "err": {
	//     "key": "stock",
	//     "code": 404
	//   }
	// } <nil>
	// {"created":"2026-01-02"}
	// {"sku":"D-4","qty":3,"net":1.25}
	// {"n":1}
	// null
	// 9 Cy 2025-12-31 {City:Rome Country:IT} <nil>
	// 2 x y true <nil>
	// lookup k: 500 <nil> true
}

type Feed struct {
	XMLName xml.Name `xml:"feed"`
	Title   string   `xml:"title"`
	Entries []Entry  `xml:"entry"`
}

type Entry struct {
	Timestamps
	Title string   `xml:"title"`
	Tags  []string `xml:"tag"`
}

type Point3 struct{ X, Y, Z float64 }

func Example_xmlOfCellTypes() {
	f := Feed{Title: "news", Entries: []Entry{{Timestamps{"mon", ""}, "a", []string{"go"}}, {Timestamps{"tue", "wed"}, "b", nil}}}
	b, err := xml.MarshalIndent(f, "", " ")
	fmt.Println(string(b), err)

	b, err = xml.Marshal(Customer{ID: 3, Name: "Al", Timestamps: Timestamps{Created: "now"}})
	fmt.Println(string(b), err)
	b, err = xml.Marshal([]Point3{{1, 2, 3}, {4, 5, 6}})
	fmt.Println(string(b), err)

	var back Feed
	err = xml.Unmarshal(b2(), &back)
	fmt.Println(back.Title, len(back.Entries), back.Entries[1].Created, back.Entries[1].Updated, back.Entries[0].Tags, err)
	// Output:
	// <feed>
	//  <title>news</title>
	//  <entry>
	//   <created>mon</created>
	//   <title>a</title>
	//   <tag>go</tag>
	//  </entry>
	//  <entry>
	//   <created>tue</created>
	//   <updated>wed</updated>
	//   <title>b</title>
	//  </entry>
	// </feed> <nil>
	// <Customer id="3"><name>Al</name><created>now</created></Customer> <nil>
	// <Point3><X>1</X><Y>2</Y><Z>3</Z></Point3><Point3><X>4</X><Y>5</Y><Z>6</Z></Point3> <nil>
	// old 2 b2 c2 [x y] <nil>
}

func b2() []byte {
	return []byte(`<feed><title>old</title><entry><created>b1</created><tag>x</tag><tag>y</tag></entry><entry><created>b2</created><updated>c2</updated></entry></feed>`)
}
