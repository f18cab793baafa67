import { amountInWords, centsToDecimal, toCents } from '../../src/back-office/receipts/words';

/** The amount in words of a receipt (pure rule, no server): French spelling of the awkward cases. */
describe('amount in French words', () => {
  it.each([
    [1, 'un centime'],
    [100, 'un euro'],
    [101, 'un euro et un centime'],
    [7100, 'soixante et onze euros'],
    [8000, 'quatre-vingts euros'],
    [8100, 'quatre-vingt-un euros'],
    [9100, 'quatre-vingt-onze euros'],
    [20000, 'deux cents euros'],
    [20100, 'deux cent un euros'],
    [2121, 'vingt et un euros et vingt et un centimes'],
    [123456, 'mille deux cent trente-quatre euros et cinquante-six centimes'],
    [8000000, 'quatre-vingt mille euros'],
    [100000000, 'un million d’euros'],
    [200000000, 'deux millions d’euros'],
    [100008000, 'un million quatre-vingts euros'],
    [100000050, 'un million d’euros et cinquante centimes'],
  ])('%i cents → %s', (cents, words) => {
    expect(amountInWords(cents)).toBe(words);
  });

  it('reads decimal amounts as exact cents, without float errors', () => {
    expect(toCents('21.21')).toBe(2121);
    expect(toCents(0.29)).toBe(29);
    expect(toCents('1000000.00')).toBe(100000000);
    expect(toCents(19.99)).toBe(1999);
    expect(centsToDecimal(2121)).toBe('21.21');
    expect(centsToDecimal(5)).toBe('0.05');
  });
});
