package channel

import (
	"encoding/json"
	"fmt"
	"net/url"
)

// EncodeCall is what a REST connector sends for one call: the address
// with the query, and the body as JSON (none when body is nil).
func EncodeCall(prefix, what, address string, query url.Values, body any) (target string, payload []byte, err error) {
	if body != nil {
		if payload, err = json.Marshal(body); err != nil {
			return "", nil, fmt.Errorf("%s: %s: encoding the request: %w", prefix, what, err)
		}
	}
	target = address
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	return target, payload, nil
}
