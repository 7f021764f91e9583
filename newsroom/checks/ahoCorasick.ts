/**
 * Aho–Corasick multi-pattern search: every occurrence of any of the words in one pass over the
 * text, however long the lexicon. Built once per lexicon, used for every story checked.
 */
interface TrieNode {
  next: Map<string, number>;
  fail: number;
  /** Words ending here (their lengths in code units, so matches can be located). */
  outputs: string[];
}

export interface WordMatch {
  word: string;
  /** Index in the text (UTF-16 code units) where the word starts. */
  index: number;
}

export class WordMatcher {
  private readonly nodes: TrieNode[] = [{ next: new Map(), fail: 0, outputs: [] }];

  constructor(words: readonly string[]) {
    for (const word of words) if (word.length > 0) this.add(word);
    this.link();
  }

  private add(word: string): void {
    let at = 0;
    for (const char of word) {
      let to = this.nodes[at].next.get(char);
      if (to === undefined) {
        to = this.nodes.push({ next: new Map(), fail: 0, outputs: [] }) - 1;
        this.nodes[at].next.set(char, to);
      }
      at = to;
    }
    if (!this.nodes[at].outputs.includes(word)) this.nodes[at].outputs.push(word);
  }

  /** Breadth first: each node's failure link is the longest proper suffix that is also a prefix. */
  private link(): void {
    const queue: number[] = [...this.nodes[0].next.values()];
    for (let i = 0; i < queue.length; i++) {
      const at = queue[i];
      for (const [char, to] of this.nodes[at].next) {
        let fail = this.nodes[at].fail;
        while (fail !== 0 && !this.nodes[fail].next.has(char)) fail = this.nodes[fail].fail;
        const target = this.nodes[fail].next.get(char);
        this.nodes[to].fail = target !== undefined && target !== to ? target : 0;
        this.nodes[to].outputs.push(...this.nodes[this.nodes[to].fail].outputs);
        queue.push(to);
      }
    }
  }

  /** Every occurrence of every word in `text`, overlapping ones included, in text order. */
  find(text: string): WordMatch[] {
    const matches: WordMatch[] = [];
    let at = 0;
    let index = 0;
    for (const char of text) {
      index += char.length;
      while (at !== 0 && !this.nodes[at].next.has(char)) at = this.nodes[at].fail;
      at = this.nodes[at].next.get(char) ?? 0;
      for (const word of this.nodes[at].outputs) matches.push({ word, index: index - word.length });
    }
    return matches.sort((a, b) => a.index - b.index);
  }
}
