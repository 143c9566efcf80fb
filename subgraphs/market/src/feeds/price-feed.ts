/** A source of prices that pushes into ingest while started (the simulator, a vendor adapter). */
export interface PriceFeed {
  start(): Promise<void>;
  /** Stops after any batch in flight has been ingested. */
  stop(): Promise<void>;
}
