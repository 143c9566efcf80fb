/** The pub/sub channel market publishes each accepted tick of `symbol` on, after COMMIT (within the bus's namespace). */
export const priceChannel = (symbol: string) => `prices:${symbol}`;
