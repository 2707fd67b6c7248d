// The categorizer's rules: ONE table a person can read and extend.
//
// How a transaction without a usable `category` is categorized (see categorizer.ts):
//   1. `merchants` patterns are looked for in the merchant field and in the description
//      (payment processors: "PAYPAL *STEAM", transfers: "TRANSFER TO LANDLORD");
//   2. only if none is found, `keywords` are looked for in the same two places.
// Among the matches of a step, a longer pattern beats a shorter one ('uber eats' beats 'uber'),
// then a match in the merchant field beats one in the description, then the rule listed first wins.
// Nothing matches → 'other'.
//
// Patterns match whole words, case- and accent-insensitively: text is lower-cased, apostrophes
// dropped ("McDonald's" → "mcdonalds") and every other non-alphanumeric run becomes one space,
// so 'bar' does not match "barber" and 'gas' does not match "las vegas". A pattern ending in '*'
// matches words starting with it ('pharma*' → "pharmacy", "pharmaceuticals").
//
// The synthetic generator (connectors/sources/generator/merchants.ts) draws its merchants from
// the same vocabulary; its test checks every generated merchant categorizes to its true category.
import type { SpendingCategory } from './categories.ts';

export interface CategoryRule {
  category: SpendingCategory;
  /** Merchant names (brands, chains). Strong evidence: checked before keywords. */
  merchants: readonly string[];
  /** Words describing what was bought. Weaker evidence: checked after all merchant names. */
  keywords: readonly string[];
}

export const CATEGORY_RULES: readonly CategoryRule[] = [
  {
    category: 'food',
    merchants: [
      'uber eats', 'deliveroo', 'just eat', 'doordash', 'grubhub', 'wolt',
      'tesco', 'sainsburys', 'asda', 'aldi', 'lidl', 'waitrose', 'whole foods', 'trader joes', 'kroger', 'safeway', 'carrefour', 'rewe', 'edeka',
      'mcdonalds', 'burger king', 'kfc', 'subway', 'starbucks', 'costa coffee', 'pret a manger', 'dominos', 'pizza hut', 'nandos', 'five guys', 'greggs', 'chipotle',
    ],
    keywords: [
      'restaurant*', 'cafe', 'coffee', 'bakery', 'grocer*', 'supermarket*', 'food', 'takeaway', 'takeout', 'pizza', 'burger*', 'sushi',
      'diner', 'bistro', 'deli', 'butcher', 'lunch', 'dinner', 'breakfast', 'brunch', 'meal*',
    ],
  },
  {
    category: 'transport',
    merchants: [
      'uber', 'lyft', 'bolt', 'free now', 'addison lee', 'tfl', 'national rail', 'trainline', 'amtrak', 'greyhound', 'flixbus', 'deutsche bahn',
      'shell', 'bp', 'esso', 'texaco', 'chevron', 'exxon', 'total energies',
      'ryanair', 'easyjet', 'british airways', 'lufthansa', 'delta air lines', 'ncp', 'ringgo',
    ],
    keywords: [
      'taxi', 'cab', 'rideshare', 'ride', 'train', 'rail', 'railway', 'metro', 'subway fare', 'bus', 'tram', 'ferry', 'fuel', 'petrol', 'gas station',
      'diesel', 'parking', 'toll', 'airline*', 'flight*', 'car rental', 'car wash', 'ev charging', 'oyster',
    ],
  },
  {
    category: 'housing',
    merchants: [
      'british gas', 'edf energy', 'octopus energy', 'thames water', 'con edison', 'pg e', 'comcast', 'virgin media', 'bt broadband',
      'council tax', 'rightmove', 'foxtons', 'nationwide mortgage', 'landlord',
    ],
    keywords: [
      'rent', 'mortgage', 'lease', 'letting agent', 'utilities', 'utility', 'electricity', 'electric bill', 'water bill', 'gas bill', 'heating',
      'broadband', 'internet', 'home insurance', 'property tax', 'hoa', 'maintenance fee', 'plumber', 'plumbing', 'locksmith',
    ],
  },
  {
    category: 'health',
    merchants: [
      'boots', 'cvs', 'walgreens', 'rite aid', 'superdrug', 'lloydspharmacy', 'bupa', 'nhs', 'specsavers', 'vision express', 'kaiser permanente',
    ],
    keywords: [
      'pharma*', 'chemist', 'drugstore', 'prescription*', 'doctor', 'gp', 'clinic', 'hospital', 'dentist', 'dental', 'optician', 'physio*',
      'medical', 'health insurance', 'therapy', 'therapist', 'vet', 'veterinary',
    ],
  },
  {
    category: 'entertainment',
    merchants: [
      'netflix', 'spotify', 'disney plus', 'hbo max', 'apple music', 'youtube premium', 'prime video', 'twitch', 'steam', 'playstation', 'xbox', 'nintendo',
      'ticketmaster', 'eventbrite', 'odeon', 'vue cinemas', 'cineworld', 'amc theatres', 'live nation', 'puregym', 'bet365',
    ],
    keywords: [
      'cinema', 'movie*', 'theatre', 'theater', 'concert', 'festival', 'museum', 'gig', 'tickets', 'streaming', 'subscription', 'games', 'gaming',
      'bowling', 'gym', 'fitness', 'bar', 'pub', 'nightclub', 'casino', 'betting', 'zoo', 'theme park',
    ],
  },
  {
    category: 'shopping',
    merchants: [
      'amazon', 'ebay', 'etsy', 'argos', 'john lewis', 'marks spencer', 'primark', 'zara', 'h m', 'uniqlo', 'asos', 'ikea', 'currys',
      'apple store', 'best buy', 'walmart', 'target', 'costco', 'home depot', 'b q', 'decathlon', 'zalando', 'shein',
    ],
    keywords: [
      'clothing', 'clothes', 'fashion', 'shoes', 'apparel', 'electronics', 'furniture', 'homeware', 'department store', 'retail', 'boutique',
      'bookshop', 'bookstore', 'books', 'toys', 'jewel*', 'hardware', 'diy', 'online order', 'marketplace', 'gift*',
    ],
  },
  {
    category: 'other',
    merchants: ['paypal transfer', 'western union', 'moneygram', 'hmrc', 'irs'],
    keywords: ['atm', 'cash withdrawal', 'salary', 'payroll', 'wages', 'refund', 'interest', 'bank fee', 'overdraft', 'tax', 'charity', 'donation'],
  },
];
