'use strict';
/**
 * The order in which jest hands the suites to its two workers: the longest first, so that both finish
 * together instead of one waiting for a long suite started last. Jest knows the durations of the last run
 * on this machine (its cache); a fresh checkout (CI) has none, so the durations measured for each suite
 * (seconds, tests/helpers/suite-durations.json) stand in for them. A suite in neither runs after those of
 * the list that are longer than an ordinary suite, before the shorter ones.
 */
const Sequencer = require('@jest/test-sequencer').default;
const path = require('path');
const known = require('./suite-durations.json');

const ROOT = path.resolve(__dirname, '../..');
const ORDINARY = 15;

class SlowestFirst extends Sequencer {
  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    const measured = known[path.relative(ROOT, test.path).split(path.sep).join('/')];
    return (measured ?? ORDINARY) * 1000;
  }
}

module.exports = SlowestFirst;
