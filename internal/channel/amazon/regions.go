package amazon

// The SP-API hosts of each region, and Login with Amazon's token endpoint,
// which serves every region.
var regionHosts = map[string]string{
	"NA": "https://sellingpartnerapi-na.amazon.com",
	"EU": "https://sellingpartnerapi-eu.amazon.com",
	"FE": "https://sellingpartnerapi-fe.amazon.com",
}

const (
	lwaTokenURL  = "https://api.amazon.com" + lwaTokenPath
	lwaTokenPath = "/auth/o2/token"
)

type marketplace struct {
	region, country, domain string
}

// marketplaces are Amazon's published marketplace IDs. An ID missing here
// is still accepted (Amazon opens marketplaces), only not checked against
// the region, and its listings get no shop address.
var marketplaces = map[string]marketplace{
	"A2EUQ1WTGCTBG2": {"NA", "Canada", "www.amazon.ca"},
	"ATVPDKIKX0DER":  {"NA", "United States", "www.amazon.com"},
	"A1AM78C64UM0Y8": {"NA", "Mexico", "www.amazon.com.mx"},
	"A2Q3Y263D00KWC": {"NA", "Brazil", "www.amazon.com.br"},
	"A28R8C7NBKEWEA": {"EU", "Ireland", "www.amazon.ie"},
	"A1RKKUPIHCS9HS": {"EU", "Spain", "www.amazon.es"},
	"A1F83G8C2ARO7P": {"EU", "United Kingdom", "www.amazon.co.uk"},
	"A13V1IB3VIYZZH": {"EU", "France", "www.amazon.fr"},
	"AMEN7PMS3EDWL":  {"EU", "Belgium", "www.amazon.com.be"},
	"A1805IZSGTT6HS": {"EU", "Netherlands", "www.amazon.nl"},
	"A1PA6795UKMFR9": {"EU", "Germany", "www.amazon.de"},
	"APJ6JRA9NG5V4":  {"EU", "Italy", "www.amazon.it"},
	"A2NODRKZP88ZB9": {"EU", "Sweden", "www.amazon.se"},
	"AE08WJ6YKNBMC":  {"EU", "South Africa", "www.amazon.co.za"},
	"A1C3SOZRARQ6R3": {"EU", "Poland", "www.amazon.pl"},
	"ARBP9OOSHTCHU":  {"EU", "Egypt", "www.amazon.eg"},
	"A33AVAJ2PDY3EV": {"EU", "Turkey", "www.amazon.com.tr"},
	"A17E79C6D8DWNP": {"EU", "Saudi Arabia", "www.amazon.sa"},
	"A2VIGQ35RCS4UG": {"EU", "United Arab Emirates", "www.amazon.ae"},
	"A21TJRUUN4KGV":  {"EU", "India", "www.amazon.in"},
	"A19VAU5U5O7RUS": {"FE", "Singapore", "www.amazon.sg"},
	"A39IBJ37TRP1C6": {"FE", "Australia", "www.amazon.com.au"},
	"A1VC38T7YXB528": {"FE", "Japan", "www.amazon.co.jp"},
}

// productURL is where shoppers see an ASIN in a marketplace; "" when the
// marketplace or ASIN is unknown.
func productURL(marketplaceID, asin string) string {
	m, ok := marketplaces[marketplaceID]
	if !ok || asin == "" {
		return ""
	}
	return "https://" + m.domain + "/dp/" + asin
}
