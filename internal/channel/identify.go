package channel

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
)

// NotAPIError is an answer that did not come from the channel's API: a web
// page, a login form behind a redirect, JSON of another shape. A connection
// test must not read it as "the credentials work".
type NotAPIError struct {
	Found string // what came instead: "an HTML page", "JSON that is not a product list"
	API   string // what was expected: "the WooCommerce REST API"
	Field string // the form field to check: "Store URL"
	// Status and Redirected describe the answer, for the person.
	Status     int
	Redirected string
}

func (e *NotAPIError) Error() string {
	var how []string
	if e.Status != 0 && (e.Status < 200 || e.Status > 299) {
		how = append(how, fmt.Sprintf("HTTP %d", e.Status))
	}
	if e.Redirected != "" {
		how = append(how, "after a redirect to "+e.Redirected)
	}
	detail := ""
	if len(how) > 0 {
		detail = " (" + strings.Join(how, ", ") + ")"
	}
	return fmt.Sprintf("the address answered with %s%s, not %s: check the %s", e.Found, detail, e.API, e.Field)
}

// NotAPI builds a NotAPIError about resp.
func NotAPI(resp *Response, found, api, field string) *NotAPIError {
	return &NotAPIError{Found: found, API: api, Field: field, Status: resp.Status, Redirected: resp.Redirected}
}

// ExpectJSON refuses an answer that is not JSON, naming what it is
// instead. Both channels' APIs answer JSON to everything, errors included.
func ExpectJSON(resp *Response, api, field string) error {
	media, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	body := bytes.TrimSpace(resp.Body)
	if media == "application/json" || strings.HasSuffix(media, "+json") {
		return nil
	}
	var found string
	switch {
	case media == "text/html" || media == "application/xhtml+xml" || bytes.HasPrefix(body, []byte("<")):
		found = "an HTML page"
	case len(body) == 0:
		found = "an empty answer"
	case media == "":
		found = "an answer of no stated type"
	default:
		found = "a " + media + " answer"
	}
	return NotAPI(resp, found, api, field)
}
