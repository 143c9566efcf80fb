import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';

/** How large an operation the gateway agrees to plan. Every one is set from env.ts. */
export interface QueryLimits {
  /** Deepest selection nesting; introspection fields are not counted. */
  maxDepth: number;
  /** Most aliases per operation (`__typename` aliases are free). */
  maxAliases: number;
  /** Highest graphql-armor cost: object 2, scalar 1, multiplied by 1.5 per level of depth. */
  maxCost: number;
  /** Most lexical tokens per document, checked before Apollo parses it. */
  maxTokens: number;
  /** Most directives per operation. */
  maxDirectives: number;
}

/** Defaults sized so every contract operation passes with a wide margin (see the limits test). */
export const DEFAULT_QUERY_LIMITS: Readonly<QueryLimits> = {
  maxDepth: 12,
  maxAliases: 15,
  maxCost: 5000,
  maxTokens: 2000,
  maxDirectives: 20,
};

/** Which limit refused an operation; sent as `extensions.limit` next to the code. */
export type QueryLimitName = 'MAX_DEPTH' | 'MAX_ALIASES' | 'MAX_COST' | 'MAX_TOKENS' | 'MAX_DIRECTIVES';

/** The one error every limit answers: GRAPHQL_VALIDATION_FAILED, HTTP 400, the limit named. */
export class QueryLimitError extends GraphQLError {
  constructor(
    readonly limit: QueryLimitName,
    armorMessage: string,
  ) {
    // graphql-armor prefixes every refusal with "Syntax Error: "; the document is well-formed.
    super(armorMessage.replace(/^Syntax Error:\s*/, ''), {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, http: { status: 400 } },
    });
  }
}

type RejectCallback = (context: ValidationContext | null, error: GraphQLError) => void;

/**
 * Report through the validation context instead of armor's default reporter (which says
 * BAD_USER_INPUT before Apollo re-codes it), so the error names the limit it broke.
 */
function reportAs(limit: QueryLimitName): { propagateOnRejection: false; onReject: RejectCallback[] } {
  return {
    propagateOnRejection: false,
    onReject: [(context, error) => context?.reportError(new QueryLimitError(limit, error.message))],
  };
}

/**
 * Counts tokens with graphql-armor's lexer before Apollo parses, so an oversized document is
 * refused after at most `maxTokens` tokens. Armor's own Apollo plugin throws an uncoded error
 * there, which Apollo turns into a 500; this one throws a QueryLimitError and, because Apollo
 * treats any throw from a hook as unexpected, re-throws it from `unexpectedErrorProcessingRequest`
 * so that Apollo answers with that error (and its 400) instead of a masked 500.
 */
export function maxTokensPlugin(maxTokens: number): ApolloServerPlugin {
  const rejectOnLimit: RejectCallback = (_context, error) => {
    throw new QueryLimitError('MAX_TOKENS', error.message);
  };
  return {
    async requestDidStart() {
      return {
        async parsingDidStart({ source }) {
          if (source === undefined) return;
          try {
            new MaxTokensParserWLexer(source, { n: maxTokens, propagateOnRejection: false, onReject: [rejectOnLimit] }).parseDocument();
          } catch (error) {
            if (error instanceof QueryLimitError) throw error;
            // Any other syntax error is left to Apollo's own parse: GRAPHQL_PARSE_FAILED.
          }
        },
      };
    },
    async unexpectedErrorProcessingRequest({ error }) {
      if (error instanceof QueryLimitError) throw error;
    },
  };
}

export interface QueryLimitProtection {
  /** Depth, aliases, cost and directives, as graphql-js validation rules. */
  validationRules: ValidationRule[];
  /** The token limit, plus field-suggestion masking in production. */
  plugins: ApolloServerPlugin[];
}

/**
 * graphql-armor's protections with our limits. Field suggestions ("Did you mean ...") are
 * masked in production only: with introspection off they would leak the schema, while in
 * development they are the help a developer wants.
 */
export function createQueryLimits(limits: QueryLimits, options: { production: boolean }): QueryLimitProtection {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, ...reportAs('MAX_DEPTH') },
    maxAliases: { n: limits.maxAliases, ...reportAs('MAX_ALIASES') },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, ...reportAs('MAX_COST') },
    maxDirectives: { n: limits.maxDirectives, ...reportAs('MAX_DIRECTIVES') },
    // Replaced by maxTokensPlugin, which answers a coded 400 rather than a 500.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: options.production },
  });
  const { validationRules, plugins } = armor.protect();
  // armor's typings name @apollo/server's CommonJS build and ours its ESM build: the same
  // plugin interface, declared twice.
  const armorPlugins = plugins as unknown as ApolloServerPlugin[];
  return { validationRules, plugins: [...armorPlugins, maxTokensPlugin(limits.maxTokens)] };
}
