package shopify

// The GraphQL documents. Variables carry every value so the documents are
// constant and nothing a channel or user typed is spliced into a query.

// The shop's name is the cheapest authenticated query; Verify asks for
// the managed location with it, in the same call.
const (
	shopQuery        = `query Shop($id: ID!) { shop { name } location(id: $id) { ` + locationFields + ` } }`
	shopPrimaryQuery = `query Shop { shop { name } location { ` + locationFields + ` } }`
	locationFields   = `id name isActive`
)

// productVariantsQuery selects every field listingFrom maps. product is an
// object and costs a point per variant, but it is the only way to know
// which product a variant belongs to; displayName is a free scalar that
// saves building the name. Stock is the available quantity at the managed
// location, not inventoryQuantity, which sums every location.
const productVariantsQuery = `query ProductVariants($first: Int!, $after: String, $query: String, $location: ID!) {
  productVariants(first: $first, after: $after, query: $query) {
    nodes {
      id
      title
      sku
      price
      updatedAt
      displayName
      inventoryItem { ` + inventoryItemSelection + ` }
      product { id title onlineStoreUrl }
    }
    pageInfo { hasNextPage endCursor }
  }
}`

// inventoryItemSelection is what a listing needs of its inventory item;
// the bulk query writes the location in place of the variable.
const inventoryItemSelection = `id tracked inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } }`

const lineItemFields = `nodes {
        id
        sku
        name
        quantity
        variant { id }
        originalUnitPriceSet { shopMoney { amount currencyCode } }
      }
      pageInfo { hasNextPage endCursor }`

const ordersQuery = `query Orders($first: Int!, $after: String, $query: String, $lineItems: Int!) {
  orders(first: $first, after: $after, query: $query) {
    nodes {
      id
      name
      createdAt
      updatedAt
      cancelledAt
      currencyCode
      displayFinancialStatus
      displayFulfillmentStatus
      customer { displayName }
      lineItems(first: $lineItems) {
      ` + lineItemFields + `
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`

const orderLineItemsQuery = `query OrderLineItems($id: ID!, $first: Int!, $after: String) {
  order(id: $id) {
    lineItems(first: $first, after: $after) {
      ` + lineItemFields + `
    }
  }
}`

// Without an ID, location answers the shop's primary location (Shopify's
// documented replacement for the deprecated shop.primaryLocation).
const primaryLocationQuery = `query PrimaryLocation { location { ` + locationFields + ` } }`

const locationQuery = `query Location($id: ID!) { location(id: $id) { ` + locationFields + ` } }`

const setQuantitiesMutation = `mutation SetQuantities($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}`
