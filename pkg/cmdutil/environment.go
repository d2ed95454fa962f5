package cmdutil

// EnvVar documents environment variables that wamo reads.
type EnvVar struct {
	// Names are the variables (several when they act together, like the proxy ones).
	Names []string
	// Commands are the commands that read them; none means every command.
	Commands []string
	// Meaning says what they do.
	Meaning string
}

// Environment lists every environment variable wamo reads; rendered by
// `wamo help environment`, the man pages and the README. A test in
// pkg/cmd/root fails when the code reads a variable missing here.
var Environment = []EnvVar{
	{[]string{"NO_COLOR"}, nil, "set to any non-empty value: no colour (an empty NO_COLOR is ignored, as no-color.org says); --color=always still colours"},
	{[]string{"CLICOLOR_FORCE"}, nil, "set and not 0: colour even when the output is not a terminal (NO_COLOR and --color=never win)"},
	{[]string{"CLICOLOR"}, nil, "0: no colour"},
	{[]string{"TERM"}, nil, "dumb: no colour (the terminal cannot show it)"},
	{[]string{"COLUMNS"}, nil, "width to lay tables out for when the terminal's cannot be read (default 80)"},
	{[]string{"WAMO_APP_SECRET"}, []string{"replay", "listen", "conform"}, "the Cloud API app secret: replay --sign signs requests with it (X-Hub-Signature-256); listen checks that header with it"},
	{[]string{"WAMO_SINCH_SECRET"}, []string{"replay", "listen", "conform"}, "the secret of a Sinch Conversation API webhook: replay --sign signs Conversation API callbacks with it (x-sinch-webhook-signature, with a fresh nonce and timestamp); listen checks those headers with it"},
	{[]string{"WAMO_VERIFY_TOKEN"}, []string{"listen"}, "verify token of the Cloud API subscription handshake, unless --verify-token is given"},
	{[]string{RedactKeyEnv}, []string{"redact", "listen"}, "key of the pseudonyms; --key-env names another variable to read it from"},
	{[]string{"TZ"}, []string{"show", "listen"}, "time zone of the times shown (unless --utc)"},
	{[]string{"HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"}, []string{"replay", "listen"}, "proxy for outgoing requests (replay, listen --forward-to); loopback addresses never use one"},
	{[]string{"SSL_CERT_FILE", "SSL_CERT_DIR"}, []string{"replay", "listen"}, "trusted CA certificates for https:// URLs, instead of the system's"},
}

// RedactKeyEnv holds the key of the pseudonyms of redact and listen
// --redact, unless their --key-env names another variable. Keys are never
// taken from the command line.
const RedactKeyEnv = "WAMO_REDACT_KEY"

// RedactKey reads the key of the pseudonyms: from the variable keyEnv
// (--key-env), which must then be set, or from RedactKeyEnv.
func RedactKey(getenv func(string) string, keyEnv string) ([]byte, error) {
	if keyEnv == "" {
		return []byte(getenv(RedactKeyEnv)), nil
	}
	key := getenv(keyEnv)
	if key == "" {
		return nil, Usagef("--key-env %s: the variable is not set", keyEnv)
	}
	return []byte(key), nil
}

// EnvironmentFor lists the variables that command (its name, such as
// "replay") reads, the ones every command reads first.
func EnvironmentFor(command string) []EnvVar {
	var out []EnvVar
	for _, e := range Environment {
		if len(e.Commands) == 0 {
			out = append(out, e)
			continue
		}
		for _, c := range e.Commands {
			if c == command {
				out = append(out, e)
				break
			}
		}
	}
	return out
}
