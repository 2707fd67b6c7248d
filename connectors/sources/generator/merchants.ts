// Where the synthetic customers spend. Every merchant's true category is what the project's
// categorizer (connectors/categorizer/rules.ts) assigns to it; merchants.test.ts holds the two
// tables consistent. Some names match a brand (strong rule), some only a keyword (weak rule).
import type { SpendingCategory } from '../../categorizer/categories.ts';
import type { Channel } from '../../../schemas/types.ts';

export interface Merchant {
  name: string;
  category: SpendingCategory;
  /** What the card/bank feed writes next to the merchant; one is picked per transaction. */
  descriptions: readonly string[];
  /** Typical amount (minor units) and the log-normal spread around it. */
  medianCents: number;
  spread: number;
  channel: Channel;
  /** Relative frequency among everyday purchases. */
  weight: number;
}

function m(
  category: SpendingCategory,
  name: string,
  descriptions: readonly string[],
  medianCents: number,
  weight: number,
  channel: Channel = 'CARD',
  spread = 0.5,
): Merchant {
  return { name, category, descriptions, medianCents, spread, channel, weight };
}

/** Everyday purchases, drawn at random by weight. */
export const EVERYDAY_MERCHANTS: readonly Merchant[] = [
  m('food', 'TESCO STORES 2231', ['Groceries', 'Weekly shop', 'CARD PAYMENT'], 4_500, 10),
  m('food', 'Lidl', ['Groceries', 'CARD PAYMENT'], 3_200, 8),
  m('food', "Sainsbury's", ['Groceries', 'Contactless'], 3_800, 6),
  m('food', 'UBER EATS', ['Order', 'Delivery'], 2_400, 6),
  m('food', 'Deliveroo', ['Order', 'Dinner'], 2_600, 4),
  m('food', "McDonald's", ['Contactless', 'Meal'], 900, 5),
  m('food', 'Starbucks', ['Coffee', 'Contactless'], 480, 6),
  m('food', 'Bella Napoli Pizzeria', ['Pizza', 'Dinner'], 3_100, 2),
  m('food', 'Corner Bakery', ['Contactless'], 650, 3),
  m('food', 'Golden Dragon Restaurant', ['Dinner', 'CARD PAYMENT'], 4_200, 2),
  m('transport', 'UBER', ['Trip', 'Ride'], 1_600, 5),
  m('transport', 'Bolt', ['Trip'], 1_200, 2),
  m('transport', 'TfL', ['Travel charge', 'Oyster top-up'], 700, 6),
  m('transport', 'SHELL 0412', ['Fuel', 'CARD PAYMENT'], 5_500, 4, 'CARD', 0.35),
  m('transport', 'BP Connect', ['Fuel'], 5_000, 3, 'CARD', 0.35),
  m('transport', 'Trainline', ['Rail ticket'], 4_800, 2),
  m('transport', 'City Car Park', ['Parking'], 600, 2),
  m('transport', 'Ryanair', ['Flight booking'], 9_500, 0.5),
  m('shopping', 'AMAZON MKTPLACE', ['Online order', 'Marketplace order'], 2_900, 8),
  m('shopping', 'eBay', ['Purchase'], 2_500, 2),
  m('shopping', 'ARGOS', ['CARD PAYMENT'], 3_500, 2),
  m('shopping', 'H&M', ['Clothing'], 3_000, 2),
  m('shopping', 'ZARA', ['Clothing'], 4_500, 2),
  m('shopping', 'IKEA', ['Furniture', 'Homeware'], 8_000, 1),
  m('shopping', 'Currys PC World', ['Electronics'], 12_000, 1, 'CARD', 0.8),
  m('shopping', 'Riverside Boutique', ['Clothing'], 5_500, 1),
  m('health', 'Boots', ['Pharmacy', 'Toiletries'], 1_400, 3),
  m('health', 'Greenfield Pharmacy', ['Prescription'], 950, 2),
  m('health', 'Smile Dental Care', ['Checkup'], 6_500, 0.5),
  m('health', 'Specsavers', ['Glasses'], 11_000, 0.3),
  m('entertainment', 'PureGym', ['Membership'], 2_499, 0.3, 'CARD', 0.05),
  m('entertainment', 'NETFLIX.COM', ['Subscription'], 1_099, 1.5, 'CARD', 0.05),
  m('entertainment', 'Spotify', ['Premium'], 999, 1.5, 'CARD', 0.05),
  m('entertainment', 'PAYPAL *STEAM', ['Games'], 2_000, 1),
  m('entertainment', 'ODEON Cinemas', ['Tickets'], 1_800, 1.5),
  m('entertainment', 'Ticketmaster', ['Concert tickets'], 6_500, 0.7),
  m('entertainment', 'The Red Lion', ['Pub'], 2_200, 3),
  m('other', 'ATM', ['Cash withdrawal'], 5_000, 3, 'CASH', 0.4),
  m('other', 'Hope Foundation', ['Donation'], 1_500, 0.5, 'TRANSFER', 0.4),
  m('other', 'Northbank', ['Monthly fee', 'Overdraft fee'], 500, 0.7, 'TRANSFER', 0.3),
];

/** Monthly rent/mortgage payees: a standing order on the 1st at 00:00:00.000 UTC. */
export const HOUSING_PAYEES: readonly Merchant[] = [
  m('housing', 'Prime Lettings', ['Rent'], 95_000, 1, 'TRANSFER', 0.35),
  m('housing', 'J. Smith', ['TRANSFER TO LANDLORD'], 80_000, 1, 'TRANSFER', 0.35),
  m('housing', 'Nationwide Mortgage', ['Monthly payment'], 110_000, 1, 'TRANSFER', 0.35),
];

/** Monthly utility bills, paid by direct debit mid-month. */
export const UTILITY_PAYEES: readonly Merchant[] = [
  m('housing', 'British Gas', ['Direct debit'], 8_500, 1, 'TRANSFER', 0.3),
  m('housing', 'Octopus Energy', ['Electricity'], 7_500, 1, 'TRANSFER', 0.3),
  m('housing', 'Thames Water', ['Water bill'], 3_500, 1, 'TRANSFER', 0.2),
  m('housing', 'Virgin Media', ['Broadband'], 4_500, 1, 'TRANSFER', 0.1),
];

/** Employers paying salaries (credits; the categorizer files them under 'other'). */
export const EMPLOYERS: readonly string[] = ['Acme Corp', 'Globex Ltd', 'Initech', 'Umbrella Health Trust', 'Stark Industries'];
