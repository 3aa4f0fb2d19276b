package inventory

import "time"

// ReceiveInput is a purchase receive form as typed.
type ReceiveInput struct {
	Vendor, Date, Notes string
	Lines               []LineInput
}

type Receive struct {
	Vendor string
	Date   time.Time
	Notes  string
	Lines  []Line
}

func ValidateReceive(in ReceiveInput, today time.Time) (Receive, FieldErrors) {
	errs := FieldErrors{}
	r := Receive{
		Vendor: requiredText(in.Vendor, "vendor", "Enter the vendor the goods came from.", 200, errs),
		Date:   parseDate(in.Date, "date", today, errs),
		Notes:  optionalText(in.Notes, "notes", 2000, errs),
		Lines:  parseLines(in.Lines, inbound, errs),
	}
	return r, errs
}

// OrderInput is a sales order form as typed.
type OrderInput struct {
	Customer, Date, Reference string
	Lines                     []LineInput
}

type Order struct {
	Customer  string
	Date      time.Time
	Reference string
	Lines     []Line
}

func ValidateOrder(in OrderInput, today time.Time) (Order, FieldErrors) {
	errs := FieldErrors{}
	o := Order{
		Customer:  requiredText(in.Customer, "customer", "Enter the customer's name.", 200, errs),
		Date:      parseDate(in.Date, "date", today, errs),
		Reference: optionalText(in.Reference, "reference", 100, errs),
		Lines:     parseLines(in.Lines, outbound, errs),
	}
	return o, errs
}

// AdjustmentInput is an adjustment form as typed.
type AdjustmentInput struct {
	Reason, Date, Notes string
	Lines               []LineInput
}

type Adjustment struct {
	Reason string
	Date   time.Time
	Notes  string
	Lines  []Line
}

// AdjustmentReasons are offered in the form; any other text is accepted too.
var AdjustmentReasons = []string{"Stock count", "Damaged goods", "Stolen goods", "Returned goods", "Correction"}

func ValidateAdjustment(in AdjustmentInput, today time.Time) (Adjustment, FieldErrors) {
	errs := FieldErrors{}
	a := Adjustment{
		Reason: requiredText(in.Reason, "reason", "Say why stock is adjusted, such as Stock count or Damaged goods.", 200, errs),
		Date:   parseDate(in.Date, "date", today, errs),
		Notes:  optionalText(in.Notes, "notes", 2000, errs),
		Lines:  parseLines(in.Lines, signed, errs),
	}
	return a, errs
}
