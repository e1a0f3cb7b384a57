import { compileSearch } from '../../../shared/query/search/compile-search.ts';
import { SearchSyntaxError } from '../../../shared/query/search/search-syntax-error.ts';

/** The error a query compiles to; fails the test when it compiles, or throws anything else. */
export function compileError(query: string): SearchSyntaxError {
  try {
    compileSearch(query, { view: 'events' });
  } catch (error) {
    if (error instanceof SearchSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(query)} not to compile`);
}
