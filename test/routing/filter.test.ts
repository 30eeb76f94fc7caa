import { compileFilter } from '../../runtime/routing/filter';
import { FunctionConfigError } from '../../runtime/api/errors';
import { sampleEvent } from '../../runtime/events/samples';

const track = sampleEvent('track'); // "Order Completed", properties.total 82.5
const identify = sampleEvent('identify');
const page = sampleEvent('page');

describe('compileFilter', () => {
  test('no filter matches every event', () => {
    const filter = compileFilter('fn', undefined);
    expect(filter.source).toBeNull();
    expect([track, identify, page].every((e) => filter.matches(e))).toBe(true);
  });

  test.each([
    ['type = "track"', [true, false, false]],
    ['type = "track" and event = "Order Completed"', [true, false, false]],
    ['type = "track" and event = "Signed Up"', [false, false, false]],
    ['properties.total > 50', [true, false, false]],
    ['properties.total > 100', [false, false, false]],
    ['properties.total >= 82.5 and properties.currency = "USD"', [true, false, false]],
    ['type = "identify" or type = "page"', [false, true, true]],
    ['type != "track"', [false, true, true]],
    ['traits.email != null', [false, true, false]],
    ['context.ip = "203.0.113.7"', [true, true, true]],
    ['contains(event, "Order")', [true, false, false]],
    ['match(event, "Order*")', [true, false, false]],
    ['!contains(event, "Order")', [false, false, false]],
    ['name = "Checkout"', [false, false, true]],
    ['userId = "user-1042"', [true, true, true]],
    ['type = "track" and (event = "Order Completed" or event = "Signed Up")', [true, false, false]],
    ['(type = "identify" or type = "page") and userId = "user-1042"', [false, true, true]],
    ['(type = "track")', [true, false, false]],
  ])('%s matches track/identify/page = %j', (fql, expected) => {
    const filter = compileFilter('fn', fql);
    expect(filter.source).toBe(fql);
    expect([track, identify, page].map((e) => filter.matches(e))).toEqual(expected);
  });

  test.each([
    ['type = ', /reads it as "type = \\"eos\\""/],
    ['type =', /reads it as/],
    ['type', /Value token is missing/],
    ['', /the filter is empty/],
    ['   ', /the filter is empty/],
    ['foo = "bar"', /expected conditions like/],
    ['(type = "track"', /expected conditions like/],
    ['type = "track")', /reads it as "type = \\"track\\""/],
    ['type == "track"', /reads it as/],
    ['type = "track" and', /reads it as/],
    ['type = "track" garbage', /reads it as/],
    ['type = "track" event = "x"', /reads it as/],
    ['type = "track" or event = "x" and userId = "y"', /reads it as "type = \\"track\\" and event = \\"x\\" and userId = \\"y\\""/],
    ['!type = "track"', /reads it as/],
    ['type = track', /reads it as/],
    ["type = 'track'", /reads it as/],
    ['properties.total > "x"', /reads it as/],
    ['event = eos', /reads it as/],
    ['contains(event', /missing a 2nd argument/],
    ['((type = "track" or type = "page") and userId = "u")', /expected conditions like/],
  ])('refuses %j naming the function and quoting the filter', (fql, why) => {
    let error: unknown;
    try { compileFilter('teams', fql); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(FunctionConfigError);
    const message = (error as Error).message;
    expect(message.startsWith(`function "teams": invalid filter ${JSON.stringify(fql)}: `)).toBe(true);
    expect(message).toMatch(why);
  });

  test('a filter on "eos" written as a string is fine', () => {
    expect(compileFilter('fn', 'event = "eos"').matches({ type: 'track', event: 'eos' })).toBe(true);
  });
});
