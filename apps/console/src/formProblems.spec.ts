import { describe, expect, it } from '@jest/globals';
import { formPath, inputProblemsOf, problemsOnForm } from './formProblems';

describe("the API's input problems on the console's forms", () => {
  it('turns a problem path into the form item it is about', () => {
    expect(formPath('input.sharingCondition')).toEqual(['sharingCondition']);
    expect(formPath('input.fields[2].name')).toEqual(['fields', 2, 'name']);
    expect(formPath('fields[10].mask', 'fields')).toEqual(['fields', 10, 'mask']);
    expect(formPath('input.currentPassword')).toEqual(['currentPassword']);
  });

  it('reads problems from both shapes of BAD_USER_INPUT', () => {
    const error = {
      graphQLErrors: [
        { message: 'input.title: must be 1 to 200 characters', extensions: { code: 'BAD_USER_INPUT', problems: [{ field: 'input.title', message: 'must be 1 to 200 characters' }] } },
        { message: 'reason: is required: say why', extensions: { code: 'BAD_USER_INPUT', field: 'reason' } },
        { message: 'not allowed', extensions: { code: 'FORBIDDEN' } },
      ],
    };
    expect(inputProblemsOf(error)).toEqual([
      { field: 'input.title', message: 'must be 1 to 200 characters' },
      { field: 'reason', message: 'is required: say why' },
    ]);
    expect(inputProblemsOf(new Error('network'))).toEqual([]);
    expect(inputProblemsOf(undefined)).toEqual([]);
  });

  it('puts problems on the items the form has, merges two about one item, and keeps the rest apart', () => {
    const known = (name: (string | number)[]) => ['title', 'sharingCondition'].includes(String(name[0]));
    const { onForm, elsewhere } = problemsOnForm(
      [
        { field: 'input.sharingCondition', message: 'is required' },
        { field: 'input.sharingCondition', message: 'is too long' },
        { field: 'fields[1].sharingType', message: 'looser than the dataset' },
      ],
      known,
    );
    expect(onForm).toEqual([{ name: ['sharingCondition'], errors: ['is required', 'is too long'] }]);
    expect(elsewhere).toEqual([{ field: 'fields[1].sharingType', message: 'looser than the dataset' }]);
  });
});
