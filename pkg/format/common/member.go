package common

import (
	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/jsonlex"
)

// Member is obj.Get(key) for a plain key (no gjson path syntax): the first
// member of that name, located in the payload like gjson locates it. It
// skims the members with jsonlex rather than gjson's byte-by-byte parse:
// rules read a member of a message's body for every media message, on
// text the walk has already checked.
func Member(obj gjson.Result, key string) gjson.Result {
	s := obj.Raw
	i := jsonlex.SkipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return gjson.Result{}
	}
	for i = jsonlex.SkipSpace(s, i+1); i < len(s) && s[i] == '"'; {
		end, esc, ok := jsonlex.String(s, i)
		if !ok {
			break
		}
		k := s[i+1 : end-1]
		if esc {
			k = jsonlex.Unescape(k)
		}
		if i = jsonlex.SkipSpace(s, end); i >= len(s) || s[i] != ':' {
			break
		}
		start := jsonlex.SkipSpace(s, i+1)
		if i, ok = jsonlex.SkipValue(s, start); !ok {
			break
		}
		if k == key {
			v := gjson.Parse(s[start:i])
			v.Index = obj.Index + start
			return v
		}
		if i = jsonlex.SkipSpace(s, i); i < len(s) && s[i] == ',' {
			i = jsonlex.SkipSpace(s, i+1)
		}
	}
	return gjson.Result{}
}
