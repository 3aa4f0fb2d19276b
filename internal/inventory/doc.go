// Package inventory holds the stock rules of stocksync: items, documents
// and availability, as pure Go (no HTTP, no SQL). The store persists what
// these functions decide.
package inventory

import (
	"errors"
	"fmt"
)

// FieldErrors maps a form field to the sentence shown beside it; "" is the
// message for the form as a whole.
type FieldErrors map[string]string

var (
	ErrNotFound = errors.New("inventory: not found")
	ErrNotOpen  = errors.New("inventory: the sales order is not open")
	ErrFrozen   = errors.New("inventory: the sales order is frozen")
	// ErrFulfilledByChannel: the channel ships the order from its own
	// stock, so nothing of it is packed or shipped here.
	ErrFulfilledByChannel = errors.New("inventory: the channel fulfils the sales order from its own stock")
	ErrNameTaken          = errors.New("inventory: name taken")
	ErrNothingSet         = errors.New("inventory: no quantity given")
)

// SKUTakenError names the item that already carries the SKU.
type SKUTakenError struct {
	SKU       string
	OtherID   int64
	OtherName string
}

func (e *SKUTakenError) Error() string {
	return fmt.Sprintf("SKU %s is already used by %s.", e.SKU, e.OtherName)
}

// BelowZeroError is a refusal to take stock on hand below zero.
type BelowZeroError struct {
	Item      string
	Warehouse string
	OnHand    int64
	Remove    int64
}

func (e *BelowZeroError) Error() string {
	return fmt.Sprintf("Only %d of %s on hand in %s; %d cannot be removed.", e.OnHand, e.Item, e.Warehouse, e.Remove)
}

// InvalidError carries field messages found only once the rows were locked
// (another person changed the order meanwhile).
type InvalidError struct{ Fields FieldErrors }

func (e *InvalidError) Error() string { return "inventory: invalid input" }
