import { DateTimeScalar, DecimalScalar } from '@nexanest/graphql';
import { AllocationRule } from './allocation-rule.ts';
import { Goal } from './goal.ts';
import { Holding } from './holding.ts';
import { Instrument } from './instrument.ts';
import { Mutation } from './mutation.ts';
import { Portfolio } from './portfolio.ts';
import { PriceTick } from './price-tick.ts';
import { Query } from './query.ts';
import { Subscription } from './subscription.ts';

/** Every resolver of the market subgraph, one module per GraphQL type. */
export const resolvers = {
  DateTime: DateTimeScalar,
  Decimal: DecimalScalar,
  Query,
  Mutation,
  Subscription,
  Instrument,
  PriceTick,
  Holding,
  Portfolio,
  Goal,
  AllocationRule,
};
