package shopify

// The GraphQL documents. Variables carry every value so the documents are
// constant and nothing a channel or user typed is spliced into a query.

const shopQuery = `query Shop { shop { name } }`

// productVariantsQuery selects every field listingFrom maps. product is an
// object and costs a point per variant (a page of 250: 752 points, not
// 502), but it is the only way to know which product a variant belongs to;
// displayName is a free scalar that saves building the name.
const productVariantsQuery = `query ProductVariants($first: Int!, $after: String, $query: String) {
  productVariants(first: $first, after: $after, query: $query) {
    nodes {
      id
      title
      sku
      price
      inventoryQuantity
      updatedAt
      displayName
      inventoryItem { id tracked }
      product { id title onlineStoreUrl }
    }
    pageInfo { hasNextPage endCursor }
  }
}`

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

const locationsQuery = `query Locations($first: Int!) {
  locations(first: $first) { nodes { id isActive } }
}`

const setQuantitiesMutation = `mutation SetQuantities($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}`
