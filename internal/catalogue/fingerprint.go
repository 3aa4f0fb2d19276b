package catalogue

import (
	"crypto/md5"
	"encoding/binary"
	"strconv"
)

// ListingKey is a listing's external id in 64 bits: the first 8 bytes of its
// md5, which the database computes the same way (migration 00004), so keys of
// listings imported before keys existed could be filled in by SQL.
func ListingKey(externalID string) int64 {
	sum := md5.Sum([]byte(externalID))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

// fingerprint hashes what an import stores of a listing, so a re-sync can
// tell an unchanged listing without reading it back. Its two low bits are
// left clear for the importer's use (see channelsync.storedListings), and it
// is never zero.
func (r Row) fingerprint() int64 {
	h := fnv64(fnvOffset)
	h.field(r.ExternalID)
	h.field(r.ProductID)
	h.field(r.SKU)
	h.field(r.Name)
	h.field(r.Price)
	if r.Quantity != nil {
		h.field(strconv.Itoa(*r.Quantity))
	} else {
		h.absent()
	}
	h.field(r.InventoryRef)
	if r.UpdatedAt.IsZero() {
		h.absent()
	} else {
		h.field(strconv.FormatInt(r.UpdatedAt.UnixNano(), 10))
	}
	return int64(uint64(h)&^3 | 4)
}

// fnv64 is FNV-1a over length-prefixed fields, so that ("ab", "c") and
// ("a", "bc") differ; written out because hash/fnv would copy every string.
type fnv64 uint64

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func (h *fnv64) byte(b byte) { *h = (*h ^ fnv64(b)) * fnvPrime }

func (h *fnv64) field(s string) {
	h.length(uint32(len(s)))
	for i := 0; i < len(s); i++ {
		h.byte(s[i])
	}
}

// absent is a length no string has.
func (h *fnv64) absent() { h.length(^uint32(0)) }

func (h *fnv64) length(n uint32) {
	h.byte(byte(n))
	h.byte(byte(n >> 8))
	h.byte(byte(n >> 16))
	h.byte(byte(n >> 24))
}
