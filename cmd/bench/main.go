// Command bench measures stocksync at scale and prints one line per figure:
//
//	BENCH <name> <value> <unit>
//
// `make bench ONLY=<prefix>` runs the scenarios whose name starts with the
// prefix. Each scenario builds what it needs on a database of its own.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"time"
)

type scenario struct {
	name string // prefix its figures share
	run  func(ctx context.Context, env *benchEnv) error
	// figures are prefixes of figures named otherwise, which select the
	// scenario too
	figures []string
}

var scenarios = []scenario{
	{"login", benchLogin, nil},
	{"items", benchItems, nil},
	{"stock", benchStock, nil},
	{"ingest", benchIngest, nil},
	{"sync", benchSync, nil},
	{"webhook", benchWebhook, nil},
	{"unconfirmed", benchUnconfirmed, nil},
	{"bulk", benchBulk, nil},
	{"orders_import", benchOrdersImport, nil},
	{"orders_list", benchOrdersList, nil},
	{"suggest", benchSuggest, []string{"channel_item_page", "bulk_suggest"}},
	{"amazon", benchAmazon, nil},
	{"ebay", benchEbay, nil},
	{"etsy", benchEtsy, nil},
	{"push", benchPush, nil},
}

// children are scenarios' parts that run in a process of their own.
var children = map[string]func(ctx context.Context, dbURL string) error{
	"ingest": ingestChild,
}

func main() {
	only := flag.String("only", "", "run only the scenarios whose name or figures start with this prefix")
	child := flag.String("child", "", "internal: run a scenario's part in this process")
	childDB := flag.String("db", "", "internal: the child's database URL")
	cpuProfile := flag.String("cpuprofile", "", "write this process's CPU profile to the file (the server's and the database's work is not in it)")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	log.SetFlags(0)
	log.SetPrefix("bench: ")
	if run, ok := children[*child]; ok {
		if err := run(ctx, *childDB); err != nil {
			log.Fatalf("%s: %v", *child, err)
		}
		return
	}
	env, err := newBenchEnv(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	ran := 0
	for _, s := range scenarios {
		if *only != "" && !selects(*only, s) {
			continue
		}
		ran++
		start := time.Now()
		if err := s.run(ctx, env); err != nil {
			log.Fatalf("%s: %v", s.name, err)
		}
		log.Printf("%s done in %s", s.name, time.Since(start).Round(time.Millisecond))
		// A scenario's big tables would be vacuumed while the next one is
		// measured.
		env.dropDatabases()
	}
	if ran == 0 {
		log.Fatalf("no scenario matches %q", *only)
	}
}

func selects(only string, s scenario) bool {
	for _, n := range append([]string{s.name}, s.figures...) {
		if strings.HasPrefix(n, only) || strings.HasPrefix(only, n) {
			return true
		}
	}
	return false
}

// report prints one figure in the agreed format.
func report(name string, value float64, unit string) {
	fmt.Printf("BENCH %s %.6g %s\n", name, value, unit)
}
