/** A started service: where it listens and how to stop it. Every subgraph's start function returns one. */
export interface ServiceHandle {
  name: string;
  /** GraphQL endpoint, e.g. http://127.0.0.1:8001/graphql. */
  url: string;
  close(): Promise<void>;
}
