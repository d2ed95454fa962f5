package input

// SetChunkSize makes RunStages cut sources into chunks of n bytes and
// have workers read whole the files of at most n bytes.
func SetChunkSize(o *Options, n int) { o.chunk = n }
