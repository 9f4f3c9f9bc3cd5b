import { UnavailableError } from "@tandem/core";
import type { RankingEngine, RecommendResponse } from "@tandem/serving";

export interface PolledAnswer {
  userId: string;
  /** The version answered from; null while nothing was published. */
  version: string | null;
  response?: RecommendResponse;
}

/**
 * API replicas under load: round after round, every engine answers /recommend for every user, until
 * stop(). Any failure other than "nothing published yet" is kept and rethrown by stop().
 */
export class RecommendPoller {
  private readonly answers: PolledAnswer[][];
  private readonly rounds = new Map<string, number>();
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly engines: readonly RankingEngine[],
    private readonly userIds: readonly string[],
    private readonly pauseMs = 100,
  ) {
    this.answers = engines.map(() => []);
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const versions = new Set<string | null>();
      for (const [e, engine] of this.engines.entries())
        for (const userId of this.userIds) {
          const answer = await engine.recommend({ userId, k: 5 }).then(
            (response): PolledAnswer => ({ userId, version: response.version, response }),
            (error: unknown): PolledAnswer => {
              if (error instanceof UnavailableError && /no feature version/.test(error.message))
                return { userId, version: null };
              throw error;
            },
          );
          this.answers[e]!.push(answer);
          versions.add(answer.version);
        }
      const [only] = versions;
      if (versions.size === 1 && only) this.rounds.set(only, (this.rounds.get(only) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, this.pauseMs));
    }
  }

  /** Rounds in which every answer of every engine came from `version`. */
  roundsSince(version: string): number {
    return this.rounds.get(version) ?? 0;
  }

  /** Stops polling; the answers per engine, in the order they came. */
  async stop(): Promise<PolledAnswer[][]> {
    this.stopped = true;
    await this.loop;
    return this.answers;
  }
}
