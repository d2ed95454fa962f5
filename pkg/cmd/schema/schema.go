// Package schema implements `wamo schema`: print the JSON Schema of a
// format, generated from the rule tables `wamo validate` applies.
package schema

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/render"
	jsonschema "github.com/wamo-dev/wamo/pkg/schema"
)

// Options are the parsed flags of `wamo schema`.
type Options struct {
	IO *iostreams.IOStreams

	Format payload.Format // one format (with Output), or
	AllDir string         // every format, one file each in this directory
	Output string         // file to write; "" or "-" = stdout
}

// NewCmdSchema builds the command; runF replaces the run function in tests.
func NewCmdSchema(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams}
	var format string
	cmd := &cobra.Command{
		Use:   "schema --format FORMAT [-o FILE] | --all DIR",
		Short: "Print the JSON Schema of a format",
		Long: `Print a JSON Schema (draft 2020-12) of the Sinch, WhatsApp On-Premises or
Cloud API format, generated from the same rule tables wamo validate applies.

The schema is as strict as wamo's error-level structural rules: required
members, JSON types, nulls, documented values, non-empty arrays, the object a
message type names, and value patterns (digits-only phone numbers, epoch
timestamps, BSUIDs, currencies…). What wamo only warns about never makes a
payload fail the schema: unknown members are allowed. Cross-field rules that
a schema cannot express (total equals the number of items, MIME type matches
the message type, failed statuses carry errors…) are listed in the schema's
description and remain wamo validate's job.

--all DIR writes sinch.json, whatsapp.json and cloud.json into DIR.`,
		Example: `  wamo schema --format cloud > cloud.schema.json
  wamo schema -f sinch -o schemas/sinch.json
  wamo schema --all schemas/`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case opts.AllDir != "" && (format != "" || opts.Output != ""):
				return cmdutil.Usagef("--all writes every format: it does not take --format or --output")
			case opts.AllDir == "" && format == "":
				return cmdutil.Usagef("--format is required (%s), or --all DIR", payload.FormatList())
			case format != "":
				var err error
				if opts.Format, err = cmdutil.OneFormat(format); err != nil {
					return err
				}
			}
			return cmdutil.Dispatch(cmd.Context(), runF, Run, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "", "format: "+payload.FormatList())
	fl.StringVarP(&opts.Output, "output", "o", "", "write the schema to `FILE` instead of stdout")
	fl.StringVar(&opts.AllDir, "all", "", "write every format's schema into `DIR` (sinch.json, whatsapp.json, cloud.json)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(payload.Names(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagDirname("all")
	return cmd
}

// Run writes the schema or schemas.
func Run(_ context.Context, opts *Options) error {
	if opts.AllDir != "" {
		if err := os.MkdirAll(opts.AllDir, 0o755); err != nil {
			return fmt.Errorf("cannot create %s: %w", opts.AllDir, err)
		}
		for _, f := range payload.Formats {
			path := filepath.Join(opts.AllDir, f.String()+".json")
			if err := write(path, f); err != nil {
				return err
			}
			render.Note(opts.IO, "wrote %s", path)
		}
		return nil
	}
	if opts.Output != "" && opts.Output != "-" {
		return write(opts.Output, opts.Format)
	}
	b, err := jsonschema.Export(opts.Format)
	if err != nil {
		return err
	}
	_, err = opts.IO.Out.Write(b)
	return err
}

func write(path string, f payload.Format) error {
	b, err := jsonschema.Export(f)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}
