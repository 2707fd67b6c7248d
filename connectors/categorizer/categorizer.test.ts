import { describe, expect, it } from 'vitest';
import type { SpendingCategory } from './categories.ts';
import { categorize, Categorizer, InvalidCategoryRuleError, wordsOf } from './categorizer.ts';

// [merchant, description, expected] — records without a usable category, so the rules decide.
const CASES: Array<[string, string, SpendingCategory]> = [
  ['UBER EATS', 'Order 8812', 'food'],
  ['Uber', 'Trip 3 Oct', 'transport'],
  ['UBER   *EATS', 'pending', 'food'],
  ['uber', 'uber eats delivery', 'food'], // the longer merchant name wins, wherever it is found
  ['Uber', 'Amazon gift', 'transport'], // same length: the merchant field wins
  ['Tesco Stores 2231', 'Weekly shop', 'food'],
  ["McDonald's", '', 'food'],
  ['MCDONALDS 0412', 'CARD PAYMENT', 'food'],
  ['Café Nero', 'latte', 'food'],
  ['Joe’s Pizza', '', 'food'],
  ['Lyft', 'ride', 'transport'],
  ['SHELL 1234', 'Fuel', 'transport'],
  ['BP Connect', 'petrol', 'transport'],
  ['Trainline', 'London to Leeds', 'transport'],
  ['City Parking Ltd', 'Parking', 'transport'],
  ['SUBWAY', 'Sandwich', 'food'],
  ['TfL', 'Subway fare', 'transport'],
  ['British Gas', 'Direct debit', 'housing'],
  ['Prime Properties', 'Rent October', 'housing'],
  ['', 'TRANSFER TO LANDLORD', 'housing'],
  ['Nationwide Mortgage', 'Monthly payment', 'housing'],
  ['Hometown Council', 'Council Tax', 'housing'],
  ['Revenue Office', 'Property tax 2024', 'housing'], // 'property tax' (2 words) beats 'tax'
  ['Revenue Office', 'Income tax', 'other'],
  ['Boots', 'Prescription', 'health'],
  ['Greenfield Pharmacy', '', 'health'],
  ['Smile Dental Care', 'checkup', 'health'],
  ['City Vet Clinic', '', 'health'],
  ['NETFLIX.COM', 'Subscription', 'entertainment'],
  ['Spotify AB', 'Premium', 'entertainment'],
  ['Odeon', 'Cinema tickets', 'entertainment'],
  ['The Red Lion', 'Pub', 'entertainment'],
  ['PAYPAL *STEAM', 'Games', 'entertainment'],
  ['Amazon', 'Marketplace order', 'shopping'],
  ['AMAZON MKTPLACE', 'online order', 'shopping'],
  ['H&M', 'Clothing', 'shopping'],
  ['Marks & Spencer', '', 'shopping'],
  ['IKEA', 'Furniture', 'shopping'],
  ['Currys PC World', 'Electronics', 'shopping'],
  ['Corner Jewellers', '', 'shopping'],
  ['ATM', 'Cash withdrawal', 'other'],
  ['Acme Corp', 'Salary', 'other'],
  ['Unknown Merchant', 'Misc', 'other'],
  ['', '', 'other'],
  // Word boundaries: a pattern never matches inside a longer word.
  ['Barber Shop', 'haircut', 'other'], // 'bar' is not in 'barber'
  ['Las Vegas Souvenirs', '', 'other'], // no 'gas'
  ['Potuber Farm', '', 'other'], // no 'uber'
  ['Brentford', 'rental deposit', 'other'], // 'rent' is not in 'rental'
  ['Steamboat Tours', '', 'other'], // 'steam' is a whole word only
  // Case and spacing.
  ['  netflix  ', '', 'entertainment'],
  ['sPoTiFy', '', 'entertainment'],
];

describe('categorize: rules over merchant and description', () => {
  it.each(CASES)('%s / %s → %s', (merchant, description, expected) => {
    expect(categorize({ merchant, description, category: null })).toBe(expected);
  });

  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });
});

describe('categorize: the record’s own category', () => {
  it('is used when it names one of the seven, trimmed and case-insensitive', () => {
    expect(categorize({ merchant: 'Uber', description: '', category: 'Food' })).toBe('food');
    expect(categorize({ merchant: 'Tesco', description: '', category: '  ENTERTAINMENT ' })).toBe('entertainment');
    expect(categorize({ merchant: 'Tesco', description: '', category: 'other' })).toBe('other');
  });

  it('falls back to the rules when it is not one of the seven', () => {
    expect(categorize({ merchant: 'Tesco', description: '', category: 'groceries' })).toBe('food');
    expect(categorize({ merchant: 'Tesco', description: '', category: '' })).toBe('food');
  });
});

describe('Categorizer with custom rules', () => {
  it('lets a longer pattern win over the rule order, and the first rule win on ties', () => {
    const c = new Categorizer([
      { category: 'transport', merchants: ['acme'], keywords: [] },
      { category: 'food', merchants: ['acme kitchen', 'acme'], keywords: [] },
    ]);
    expect(c.categorizeText('ACME Kitchen', '')).toBe('food');
    expect(c.categorizeText('ACME', '')).toBe('transport');
  });

  it('checks merchant names before keywords', () => {
    const c = new Categorizer([
      { category: 'shopping', merchants: [], keywords: ['shop'] },
      { category: 'health', merchants: ['boots'], keywords: [] },
    ]);
    expect(c.categorizeText('Shop', 'Boots')).toBe('health');
  });

  it('rejects an unknown category and an empty pattern with a named error', () => {
    expect(() => new Categorizer([{ category: 'pets' as SpendingCategory, merchants: [], keywords: [] }])).toThrow(
      InvalidCategoryRuleError,
    );
    expect(() => new Categorizer([{ category: 'food', merchants: ['  *'], keywords: [] }])).toThrow(/pattern/);
  });
});

describe('wordsOf', () => {
  it('lower-cases, drops accents and apostrophes, and splits on everything else', () => {
    expect(wordsOf("  McDonald's  Café-Crème #12 ")).toEqual(['mcdonalds', 'cafe', 'creme', '12']);
    expect(wordsOf('***')).toEqual([]);
  });
});
