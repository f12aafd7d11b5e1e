// Package istiolog keeps the error-level entries of Istio's own log while a test runs Istio's code: istiod's
// controllers log a failure (a template that does not render, a request refused) and carry on.
package istiolog

import (
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap/zapcore"

	istiolog "istio.io/istio/pkg/log"
)

// Errors holds the error-level entries since the last Take, each as "<logger> <message>".
type Errors struct {
	mu    sync.Mutex
	lines []string
}

// Take returns the entries kept since the last call and forgets them.
func (e *Errors) Take() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.lines
	e.lines = nil
	return out
}

// Capture configures Istio's log to write every entry to outputPath (os.DevNull to drop them) and returns where
// its error-level entries are kept.
func Capture(t *testing.T, outputPath string) *Errors {
	t.Helper()
	errs := &Errors{}
	opts := istiolog.DefaultOptions()
	opts.OutputPaths = []string{outputPath}
	opts.ErrorOutputPaths = opts.OutputPaths
	opts.WithExtension(func(c zapcore.Core) (zapcore.Core, func() error, error) {
		return keeper{Core: c, errs: errs}, func() error { return nil }, nil
	})
	if err := istiolog.Configure(opts); err != nil {
		t.Fatal(err)
	}
	return errs
}

// keeper writes every entry to the core it wraps and keeps the errors. (zapcore.RegisterHooks would not do:
// Istio's log writes to its core directly, and a hooked core writes only through Check.)
type keeper struct {
	zapcore.Core
	errs *Errors
}

func (k keeper) With(fields []zapcore.Field) zapcore.Core {
	return keeper{Core: k.Core.With(fields), errs: k.errs}
}

func (k keeper) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if k.Enabled(e.Level) {
		return ce.AddCore(e, k)
	}
	return ce
}

func (k keeper) Write(e zapcore.Entry, fields []zapcore.Field) error {
	if e.Level >= zapcore.ErrorLevel {
		k.errs.mu.Lock()
		k.errs.lines = append(k.errs.lines, strings.TrimSpace(e.LoggerName+" "+e.Message))
		k.errs.mu.Unlock()
	}
	return k.Core.Write(e, fields)
}
