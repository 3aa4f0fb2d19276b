package channel

import (
	"fmt"
	"strconv"
)

// OffsetCursor reads the cursor of a channel that pages by offset: 0 when
// the sync starts, else the offset the previous page handed on.
func OffsetCursor(prefix, kind, cursor string) (int, error) {
	if cursor == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(cursor)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s: the %s cursor %q is not an offset; start the sync again", prefix, kind, cursor)
	}
	return n, nil
}
