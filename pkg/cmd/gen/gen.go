// Package gen implements `wamo gen`: write synthetic, valid payloads of a
// format, reproducibly for a seed.
package gen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/gen"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/render"
)

// Options are the parsed flags of `wamo gen`.
type Options struct {
	IO *iostreams.IOStreams

	Format   payload.Format
	Types    []string
	Count    int
	Seed     uint64
	SeedSet  bool      // --seed given (else a seed is drawn and shown on a terminal)
	Since    time.Time // time of the first payload
	Batch    int
	Identity gen.Identity
	Pretty   bool
	OutDir   string // one file per payload here; "" = NDJSON on stdout
	Force    bool

	Now func() time.Time
}

// complete checks the flags; changed reports whether a flag was given.
func (opts *Options) complete(changed func(string) bool, format, since, identity string) error {
	if err := opts.checkFormat(changed, format); err != nil {
		return err
	}
	var err error
	if opts.Identity, err = gen.ParseIdentity(identity); err != nil {
		return cmdutil.Usagef("--identity: %v", err)
	}
	if _, err := gen.New(gen.Options{Format: opts.Format, Identity: opts.Identity}); err != nil {
		return cmdutil.Usagef("--identity: %s", strings.TrimPrefix(err.Error(), "gen: "))
	}
	if err := opts.checkTime(changed("seed"), since); err != nil {
		return err
	}
	// Check the types now, so that a typo is a usage error.
	if _, err := gen.New(genOptions(opts)); err != nil {
		return cmdutil.Usagef("--type: %s", strings.TrimPrefix(err.Error(), "gen: "))
	}
	return nil
}

// checkFormat checks --format, -n and --batch, which only Sinch has.
func (opts *Options) checkFormat(changed func(string) bool, format string) error {
	if format == "" {
		return cmdutil.Usagef("--format is required: %s", payload.FormatList())
	}
	ft, err := cmdutil.OneFormat(format)
	if err != nil {
		return err
	}
	opts.Format = ft
	if opts.Count < 0 {
		return cmdutil.Usagef("-n %d: want 0 or more payloads", opts.Count)
	}
	if !changed("batch") {
		return nil
	}
	if ft != payload.Sinch {
		return cmdutil.Usagef("--batch is for the sinch format (its callbacks carry data[] batches)")
	}
	if opts.Batch < 1 {
		return cmdutil.Usagef("--batch %d: want at least 1", opts.Batch)
	}
	return nil
}

// checkTime sets the time of the first payload and the seed: --since, or
// with --seed a fixed base so that the output is reproducible, else now.
func (opts *Options) checkTime(seedSet bool, since string) error {
	opts.SeedSet = seedSet
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	switch {
	case since != "":
		var err error
		if opts.Since, err = parseSince(since, now); err != nil {
			return cmdutil.Usagef("--since: %v", err)
		}
	case opts.SeedSet:
		opts.Since = gen.DefaultBase
	default:
		opts.Since = now()
	}
	if !opts.SeedSet {
		opts.Seed = uint64(now().UnixNano())
	}
	return nil
}

// progressFrom is the payload count from which progress is drawn.
const progressFrom = 1000

// NewCmdGen builds the command; runF replaces the run function in tests.
func NewCmdGen(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Now: f.Now}
	var format, since, identity string
	cmd := &cobra.Command{
		Use:   "gen --format FORMAT [--type TYPE,...] [-n N] [--seed S] [--out DIR]",
		Short: "Generate realistic, valid payloads",
		Long:  longHelp(nil),
		Example: `  wamo gen --format cloud -n 1000 --seed 7 > cloud.ndjson
  wamo gen -f whatsapp --type text,image,status -n 50 --out payloads/
  wamo gen -f sinch --batch 5 -n 20 | wamo validate -
  wamo gen -f cloud --type list_reply,nfm_reply --identity bsuid --pretty`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.complete(cmd.Flags().Changed, format, since, identity); err != nil {
				return err
			}
			return cmdutil.Dispatch(cmd.Context(), runF, Run, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "", "format: "+payload.FormatList())
	fl.StringSliceVar(&opts.Types, "type", nil, "message types to draw from (comma-separated or repeated; default: all)")
	fl.IntVarP(&opts.Count, "count", "n", 1, "number of payloads")
	fl.Uint64Var(&opts.Seed, "seed", 0, "seed for reproducible output")
	fl.StringVar(&since, "since", "", "time of the first payload: RFC 3339, Unix seconds or now")
	fl.IntVar(&opts.Batch, "batch", 1, "sinch: data items per callback")
	fl.StringVar(&identity, "identity", "", "how users are named: both, phone or bsuid (see above)")
	fl.BoolVar(&opts.Pretty, "pretty", false, "indent the JSON")
	fl.StringVar(&opts.OutDir, "out", "", "write one file per payload into `DIR` instead of NDJSON on stdout")
	fl.BoolVar(&opts.Force, "force", false, "with --out: overwrite existing files")
	formats := make([]string, len(payload.Formats))
	for i, f := range payload.Formats {
		formats[i] = f.String()
	}
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("type", completeTypes(&format))
	_ = cmd.RegisterFlagCompletionFunc("identity", completeIdentities(&format))
	// The per-format type lists come from probing each format's writer:
	// worth doing for --help, not for every start of wamo.
	help := cmd.HelpFunc()
	cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
		if c == cmd {
			c.Long = longHelp(gen.Types)
		}
		help(c, args)
	})
	_ = cmd.MarkFlagDirname("out")
	return cmd
}

// longHelp is the command's long description; types, when given, lists
// each format's types, else the model's kinds are listed once.
func longHelp(types func(payload.Format) []string) string {
	var b strings.Builder
	b.WriteString(`Generate synthetic webhook payloads that pass wamo validate: realistic phone
numbers, user ids, names and texts (English, Portuguese, Spanish, with accents
and emoji), media with matching MIME types and SHA-256 digests, timestamps that
increase from --since. Payloads are built in wamo's message model and written
by each format's own writer, so a format gets every kind of message it carries.

Payloads go to stdout as NDJSON (one compact document per line; --pretty
indents them, one document after another), or with --out DIR into DIR as
000001.json, 000002.json… Existing files are not overwritten unless --force.

The same --seed (with the same flags) gives the same bytes. Without --seed a
seed is drawn, shown on a terminal, and timestamps start now; with --seed they
start at ` + gen.DefaultBase.Format(time.RFC3339) + ` unless --since says otherwise.

--identity says how users are named: both (phone number and business-scoped
user id, as the Cloud API sends them since 2026; the default where the format
has user ids), phone (phone number only; the default elsewhere) or bsuid
(username-only users: user id and username, no phone number).

Types (--type, comma-separated; default all of the format's):
`)
	if types != nil {
		for _, f := range payload.Formats {
			b.WriteString(wrap(fmt.Sprintf("  %-9s ", f), types(f)))
		}
	} else {
		var kinds []string
		for _, k := range message.Kinds() {
			kinds = append(kinds, k.String())
		}
		b.WriteString(wrap("  ", append(kinds, gen.StatusType)))
		b.WriteString("  (each format has those its writer carries: wamo gen --help lists them)\n")
	}
	b.WriteString(`"` + gen.StatusType + `" gives delivery receipts. Earlier names, still accepted for the kinds
the format has:`)
	for _, a := range gen.Aliases() {
		names := make([]string, len(a.Kinds))
		for i, k := range a.Kinds {
			names[i] = k.String()
		}
		fmt.Fprintf(&b, "\n  %-12s = %s", a.Name, strings.Join(names, ", "))
	}
	return b.String()
}

// wrap lists words after head, comma-separated, in lines of at most 80
// columns indented like the first.
func wrap(head string, words []string) string {
	var b strings.Builder
	b.WriteString(head)
	col := len(head)
	for i, w := range words {
		if i < len(words)-1 {
			w += ","
		}
		if i > 0 {
			if col+1+len(w) > 80 {
				b.WriteString("\n" + strings.Repeat(" ", len(head)))
				col = len(head)
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(w)
		col += len(w)
	}
	b.WriteByte('\n')
	return b.String()
}

// completeTypes offers the types of the format given so far (all formats'
// types when none is).
func completeTypes(format *string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var types []string
		for _, f := range formatsOf(*format) {
			for _, t := range gen.Types(f) {
				if !slices.Contains(types, t) {
					types = append(types, t)
				}
			}
		}
		// Complete the last element of a comma-separated list.
		done, part := cutLast(toComplete, ",")
		var out []string
		for _, t := range types {
			if strings.HasPrefix(t, part) {
				out = append(out, done+t)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}

// completeIdentities offers the identities the format given so far
// supports (all when none is).
func completeIdentities(format *string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, name := range gen.IdentityNames() {
			id, _ := gen.ParseIdentity(name)
			for _, f := range formatsOf(*format) {
				if _, err := gen.New(gen.Options{Format: f, Identity: id}); err == nil {
					out = append(out, name)
					break
				}
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// formatsOf is the format named, or every format when none (or no valid
// one) is.
func formatsOf(name string) []payload.Format {
	if f, err := payload.ParseFormat(name); err == nil && f != payload.Unknown {
		return []payload.Format{f}
	}
	return payload.Formats
}

func cutLast(s, sep string) (before, after string) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return "", s
	}
	return s[:i+1], s[i+1:]
}

func parseSince(s string, now func() time.Time) (time.Time, error) {
	if s == "now" {
		return now(), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return time.Unix(n, 0), nil
	}
	return time.Time{}, fmt.Errorf("%q is not RFC 3339 (2026-01-05T12:00:00Z), Unix seconds or now", s)
}

func genOptions(opts *Options) gen.Options {
	batch := 0
	if opts.Format == payload.Sinch {
		batch = opts.Batch
	}
	return gen.Options{Format: opts.Format, Types: opts.Types, Seed: opts.Seed, Now: opts.Since, Batch: batch,
		Identity: opts.Identity, Pretty: opts.Pretty}
}

// Run generates the payloads.
func Run(ctx context.Context, opts *Options) error {
	g, err := gen.New(genOptions(opts))
	if err != nil {
		return cmdutil.Usagef("%s", strings.TrimPrefix(err.Error(), "gen: "))
	}
	if !opts.SeedSet {
		render.Note(opts.IO, "seed %d (give --seed %d to generate the same payloads again)", opts.Seed, opts.Seed)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	prog := render.NewProgress(opts.IO, now)
	defer prog.Done()
	if opts.OutDir != "" {
		return toDir(ctx, opts, g, prog)
	}
	w := bufio.NewWriterSize(opts.IO.Out, 64<<10)
	var written int64
	var buf bytes.Buffer
	for i := range opts.Count {
		if i&255 == 0 {
			if ctx.Err() != nil {
				w.Flush()
				return cmdutil.ErrInterrupted
			}
			if opts.Count >= progressFrom {
				prog.Update("gen", written, i)
			}
		}
		p := line(&buf, g.Next())
		written += int64(len(p))
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return w.Flush()
}

// line returns the payload with a final newline.
func line(buf *bytes.Buffer, p []byte) []byte {
	buf.Reset()
	buf.Write(p)
	buf.WriteByte('\n')
	return buf.Bytes()
}

// fileName returns the name of the i-th of count payload files:
// 000001.json…, wider when count needs more digits.
func fileName(i, count int) string {
	width := max(6, len(strconv.Itoa(count)))
	return fmt.Sprintf("%0*d.json", width, i+1)
}

func toDir(ctx context.Context, opts *Options, g *gen.Generator, prog *render.Progress) error {
	dir := opts.OutDir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, err)
	}
	if !opts.Force {
		// Refuse before writing anything, rather than halfway through.
		var clash []string
		for i := range opts.Count {
			p := filepath.Join(dir, fileName(i, opts.Count))
			if _, err := os.Lstat(p); err == nil {
				clash = append(clash, p)
			}
		}
		if len(clash) > 0 {
			more := ""
			if len(clash) > 1 {
				more = fmt.Sprintf(" and %d more", len(clash)-1)
			}
			return cmdutil.Usagef("refusing to overwrite %s%s (give --force to replace them)", clash[0], more)
		}
	}
	var written int64
	var buf bytes.Buffer
	for i := range opts.Count {
		if i&255 == 0 {
			if ctx.Err() != nil {
				return cmdutil.ErrInterrupted
			}
			if opts.Count >= progressFrom {
				prog.Update(dir, written, i)
			}
		}
		p := line(&buf, g.Next())
		path := filepath.Join(dir, fileName(i, opts.Count))
		if err := create(path, p, opts.Force); err != nil {
			return err
		}
		written += int64(len(p))
	}
	prog.Done()
	render.Note(opts.IO, "wrote %s to %s", render.Plural(opts.Count, "payload"), dir)
	return nil
}

// create writes a new file; with force an existing file (or link) is
// removed first, so nothing is ever written through a symbolic link.
func create(path string, data []byte, force bool) error {
	if force {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cannot replace %s: %w", path, err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return cmdutil.Usagef("refusing to overwrite %s (give --force to replace it)", path)
		}
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}
