// Package redact implements `wamo redact`.
package redact

import (
	"bufio"
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/input"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/redact"
	"github.com/wamo-dev/wamo/pkg/render"
)

// Options are the parsed flags and arguments of `wamo redact`.
type Options struct {
	IO      *iostreams.IOStreams
	Paths   []string
	Text    bool
	Key     []byte
	MaxSize int
	Exclude []string
	Jobs    int // -j: workers sharing the redaction (0: GOMAXPROCS)
}

// NewCmdRedact builds the command; runF replaces the run function in tests.
func NewCmdRedact(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams}
	getenv := f.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var keyEnv string
	cmd := &cobra.Command{
		Use:   "redact [--text] [FILE|DIR|-]...",
		Short: "Pseudonymise what identifies people in payloads, keeping them valid",
		Long: `Write the payloads with what identifies people replaced by stable pseudonyms,
so that captures can be shared, committed as fixtures or attached to bug
reports. The output still validates, and everything else is kept byte for
byte: layout, key order, ids of the business, timestamps, types.

Inputs are files, directories and - for stdin (see Inputs below), which is
read when no input is named and stdin is not a terminal. Each payload is
written to stdout followed by a newline, in its own layout (one line stays
one line, an indented document stays indented). Payloads that are not JSON
are reported on stderr as FILE:LINE:COL: error json.syntax: MESSAGE and left
out; so are JSON documents that are not a payload of a format wamo knows
(sinch, whatsapp, cloud, conversation): what redact cannot read it cannot
redact, so it refuses them rather than pass them through.

What is redacted follows the meaning the format tables give each field, the
same in the four formats:
  phone numbers, wa_ids    from, wa_id, recipient_id, mentions, contact phones,
                           Sinch source/destination, Conversation identities:
                           other digits, same count, first two kept,
                           formatting kept
  BSUIDs                   user_id, from_user_id…: CC. / CC.ENT. prefix kept
  names, usernames         profile and contact names, word by word, into
                           invented words; usernames likewise
  e-mail addresses         user-<hash>@example.com, in any field or text
  ids                      message, status, media, group, conversation,
                           contact and session ids, ctwa_clid, identity
                           hashes, the ids in media URLs and file paths:
                           same prefix (wamid.), length and character classes
  contact cards            street and zip (city, country kept), birthday
                           (year kept), contact_image (emptied)
  locations                latitude and longitude kept to 2 decimals (~1 km)
  free text                every phone number and e-mail address, whoever's,
                           and the names above wherever they appear
  undocumented members     by their name (phone, mail, name…), else as free
                           text; JSON held in strings is redacted inside
A key written twice in one object is redacted every time it appears.
With --text, free text is replaced too, by placeholder words of the same
lengths: message bodies, captions, button and list titles, order text,
location names and addresses, referral texts, file names, contact
organisations and URLs, and the answers of Flow responses (response_json).

Kept: the business's own numbers and ids (Sinch origin, display_phone_number,
phone_number_id, WABA id, Conversation sender_id, app and project ids), button
payloads and reply ids, correlation ids, campaign, catalog and product ids,
ad ids and URLs, timestamps, types, MIME types, hashes of media, statuses,
pricing; error texts are kept but for the numbers and addresses in them.

Pseudonyms are stable: the same value always gets the same pseudonym, so
that a conversation stays linked across payloads and runs (a reply still
points at the redacted message it answers, a status at the redacted
recipient). They are derived with HMAC-SHA256 keyed with $WAMO_REDACT_KEY
(or the variable --key-env names). Without a key a public default key is
used: anyone could then test a guessed phone number against a pseudonym, so
set a secret key before redacted data leaves your team.

` + cmdutil.InputsHelp + `Exit status: 0 ok, 2 usage error, 3 unusable input (unreadable, not JSON,
not a payload of a known format).`,
		Example: `  wamo redact capture.json > capture.redacted.json
  wamo redact --text captures/ > shareable.ndjson
  WAMO_REDACT_KEY=$(cat ~/.wamo-key) wamo redact webhooks.ndjson | wamo validate -
  wamo redact - < body.json | wamo show`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Key, err = cmdutil.RedactKey(getenv, keyEnv); err != nil {
				return err
			}
			if opts.Paths, err = cmdutil.InputArgs(opts.IO.IsStdinTTY(), args); err != nil {
				return err
			}
			return cmdutil.Dispatch(cmd.Context(), runF, Run, opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Text, "text", false, "replace free text too (bodies, captions, titles…) with placeholder words")
	fl.StringVar(&keyEnv, "key-env", "", "environment variable holding the key of the pseudonyms (default $"+cmdutil.RedactKeyEnv+")")
	cmdutil.SizeVar(fl, &opts.MaxSize, "max-size", "64MB", "largest single document accepted")
	cmdutil.ExcludeVar(fl, &opts.Exclude)
	cmdutil.JobsVar(fl, &opts.Jobs)
	return cmd
}

// Run redacts every input to stdout.
func Run(ctx context.Context, opts *Options) error {
	out := bufio.NewWriterSize(opts.IO.Out, 64<<10)
	// The show printer writes the json.syntax diagnostics in the layout and
	// colours every command uses.
	diag := render.NewShowPrinter(opts.IO, render.ShowOptions{})
	flush := func() { out.Flush() } // keep stdout and stderr in order on a terminal
	notes := render.NewInputNotes(opts.IO, flush)
	code := cmdutil.ExitOK
	tot, err := input.RunStages(ctx, opts.Paths, input.Options{
		Stdin: opts.IO.In, MaxSize: opts.MaxSize, Exclude: opts.Exclude, Jobs: cmdutil.Jobs(opts.Jobs),
	}, input.Work{
		End: func(o *input.Outcome) {
			if notes.End(o) && !o.Interrupted {
				code = cmdutil.Worst(code, cmdutil.ExitInput)
			}
		},
	}, input.Stages[redacted]{
		New: func() func(*payload.Payload, *redacted) {
			r := redact.New(redact.Options{Text: opts.Text, Key: opts.Key}) // one per worker
			return func(p *payload.Payload, res *redacted) { res.out, res.err = r.Redact(p.Data) }
		},
		Emit: func(p *payload.Payload, res *redacted) error {
			if res.err != nil {
				flush()
				code = cmdutil.Worst(code, cmdutil.ExitInput)
				var se *payload.SyntaxError
				if errors.As(res.err, &se) {
					diag.SyntaxError(p, se)
				} else {
					notes.Error(p.Source, p.Line, p.Col, res.err.Error())
				}
				return nil
			}
			out.Write(res.out)
			return out.WriteByte('\n')
		},
	})
	if err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if tot.Interrupted {
		return cmdutil.ErrInterrupted
	}
	return cmdutil.Silent(code)
}

// redacted is what redacting one payload gave.
type redacted struct {
	out []byte
	err error
}
