package channels

import (
	"reflect"
	"testing"
)

// The channel pages are given no field that could hold the sealed
// credentials: no byte slice, nothing named Credentials, however deep.
func TestChannelPagesCarryNoCredentials(t *testing.T) {
	for _, v := range []any{Channel{}, ShowPage{}} {
		checkNoSecret(t, reflect.TypeOf(v), reflect.TypeOf(v).Name(), map[reflect.Type]bool{})
	}
}

func checkNoSecret(t *testing.T, ty reflect.Type, path string, seen map[reflect.Type]bool) {
	if seen[ty] {
		return
	}
	seen[ty] = true
	switch ty.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		if ty.Kind() == reflect.Slice && ty.Elem().Kind() == reflect.Uint8 {
			t.Errorf("%s is a byte slice, which could carry sealed credentials", path)
			return
		}
		checkNoSecret(t, ty.Elem(), path+"[]", seen)
	case reflect.Map:
		checkNoSecret(t, ty.Elem(), path+"[…]", seen)
	case reflect.Struct:
		for i := range ty.NumField() {
			f := ty.Field(i)
			if f.Name == "Credentials" {
				t.Errorf("%s.%s is given to a channel page", path, f.Name)
			}
			checkNoSecret(t, f.Type, path+"."+f.Name, seen)
		}
	}
}
