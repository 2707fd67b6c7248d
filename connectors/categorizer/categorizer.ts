// Assigns one of the seven spending categories to a transaction.
// It runs once per transaction on the hot path, so the rule table is compiled once into word
// indexes (no regex per rule) and results are memoised per (merchant, description).
import { namedCategory, SPENDING_CATEGORIES, type SpendingCategory } from './categories.ts';
import { CATEGORY_RULES, type CategoryRule } from './rules.ts';

export interface CategorizerInput {
  merchant: string;
  description: string;
  category: string | null;
}

export class InvalidCategoryRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCategoryRuleError';
  }
}

interface CompiledPattern {
  words: string[];
  /** The last word matches any word starting with it (pattern ended in '*'). */
  lastIsPrefix: boolean;
  category: SpendingCategory;
  ruleIndex: number;
}

/** Patterns indexed by their first word, exact or (single-word prefix patterns) by prefix. */
interface PatternIndex {
  byFirstWord: Map<string, CompiledPattern[]>;
  byPrefix: Map<string, CompiledPattern[]>;
  prefixLengths: number[];
}

interface Match {
  score: number;
  category: SpendingCategory;
}

// eslint-disable-next-line no-control-regex -- the complement of ASCII starts at its first character, NUL
const NON_ASCII = /[^\x00-\x7f]/;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const APOSTROPHES = /['\u2019]/g;
const SEPARATORS = /[^a-z0-9]+/;

/** Lower-cased, accent-free, apostrophe-free words of a text: the unit every pattern matches on. */
export function wordsOf(text: string): string[] {
  let s = text.toLowerCase();
  if (NON_ASCII.test(s)) s = s.normalize('NFD').replace(COMBINING_MARKS, '');
  const words = s.replace(APOSTROPHES, '').split(SEPARATORS);
  // split leaves '' at either end when the text starts or ends with a separator.
  if (words.length > 0 && words[0] === '') words.shift();
  if (words.length > 0 && words[words.length - 1] === '') words.pop();
  return words;
}

function compilePattern(raw: string, category: SpendingCategory, ruleIndex: number): CompiledPattern {
  const trimmed = raw.trim();
  const lastIsPrefix = trimmed.endsWith('*');
  const words = wordsOf(lastIsPrefix ? trimmed.slice(0, -1) : trimmed);
  if (words.length === 0) throw new InvalidCategoryRuleError(`category rule '${category}': pattern '${raw}' has no letters or digits`);
  return { words, lastIsPrefix, category, ruleIndex };
}

function buildIndex(patterns: CompiledPattern[]): PatternIndex {
  const byFirstWord = new Map<string, CompiledPattern[]>();
  const byPrefix = new Map<string, CompiledPattern[]>();
  for (const p of patterns) {
    const prefixOnly = p.lastIsPrefix && p.words.length === 1;
    const map = prefixOnly ? byPrefix : byFirstWord;
    const list = map.get(p.words[0]) ?? [];
    list.push(p);
    map.set(p.words[0], list);
  }
  const prefixLengths = [...new Set([...byPrefix.keys()].map((k) => k.length))].sort((a, b) => a - b);
  return { byFirstWord, byPrefix, prefixLengths };
}

function matchesAt(p: CompiledPattern, words: string[], at: number): boolean {
  const n = p.words.length;
  if (at + n > words.length) return false;
  for (let k = 1; k < n; k++) {
    const w = words[at + k];
    const want = p.words[k];
    if (k === n - 1 && p.lastIsPrefix ? !w.startsWith(want) : w !== want) return false;
  }
  // The first word of a multi-word prefix pattern is exact; a single-word one is found by prefix.
  if (n === 1 && p.lastIsPrefix) return words[at].startsWith(p.words[0]);
  return true;
}

/**
 * Higher is better: a longer pattern first, then one found in the merchant field over one found
 * in the description, then the rule listed first.
 */
function scoreOf(p: CompiledPattern, inMerchantField: boolean): number {
  return p.words.length * 1_000_000 + (inMerchantField ? 500_000 : 0) - p.ruleIndex;
}

/** Raises `best` to the best pattern of the index found in the words. */
function bestMatch(index: PatternIndex, words: string[], inMerchantField: boolean, best: Match | null): Match | null {
  const consider = (list: CompiledPattern[] | undefined, at: number): void => {
    if (!list) return;
    for (const p of list) {
      const score = scoreOf(p, inMerchantField);
      if ((best === null || score > best.score) && matchesAt(p, words, at)) best = { score, category: p.category };
    }
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    consider(index.byFirstWord.get(w), i);
    for (const len of index.prefixLengths) {
      if (len > w.length) break;
      consider(index.byPrefix.get(w.slice(0, len)), i);
    }
  }
  return best;
}

/** Past this many distinct (merchant, description) pairs the memo starts over, bounding memory. */
const MEMO_LIMIT = 100_000;

export class Categorizer {
  private readonly merchantIndex: PatternIndex;
  private readonly keywordIndex: PatternIndex;
  private readonly memo = new Map<string, SpendingCategory>();

  constructor(rules: readonly CategoryRule[] = CATEGORY_RULES) {
    const merchants: CompiledPattern[] = [];
    const keywords: CompiledPattern[] = [];
    rules.forEach((rule, ruleIndex) => {
      if (!SPENDING_CATEGORIES.includes(rule.category)) {
        throw new InvalidCategoryRuleError(
          `category rule #${ruleIndex}: '${rule.category}' is not one of ${SPENDING_CATEGORIES.join(', ')}`,
        );
      }
      for (const m of rule.merchants) merchants.push(compilePattern(m, rule.category, ruleIndex));
      for (const k of rule.keywords) keywords.push(compilePattern(k, rule.category, ruleIndex));
    });
    this.merchantIndex = buildIndex(merchants);
    this.keywordIndex = buildIndex(keywords);
  }

  /** The record's own category when it names one of the seven, else the rules' answer. */
  categorize(t: CategorizerInput): SpendingCategory {
    return namedCategory(t.category) ?? this.categorizeText(t.merchant, t.description);
  }

  /** The rules' answer for a merchant and description ('other' when nothing matches). */
  categorizeText(merchant: string, description: string): SpendingCategory {
    const key = `${merchant}\u0000${description}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const category = this.applyRules(merchant, description);
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(key, category);
    return category;
  }

  private applyRules(merchant: string, description: string): SpendingCategory {
    const merchantWords = wordsOf(merchant);
    const descriptionWords = wordsOf(description);
    const merchantName = bestMatch(this.merchantIndex, descriptionWords, false, bestMatch(this.merchantIndex, merchantWords, true, null));
    const found =
      merchantName ?? bestMatch(this.keywordIndex, descriptionWords, false, bestMatch(this.keywordIndex, merchantWords, true, null));
    return found ? found.category : 'other';
  }
}

const defaultCategorizer = new Categorizer();

/** Categorizes with the project's rule table (rules.ts). */
export function categorize(t: CategorizerInput): SpendingCategory {
  return defaultCategorizer.categorize(t);
}

/** Categorizes a bare merchant/description (e.g. a statement line) with the project's rule table. */
export function categorizeText(merchant: string, description: string): SpendingCategory {
  return defaultCategorizer.categorizeText(merchant, description);
}
