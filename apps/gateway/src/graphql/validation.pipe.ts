import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { badInputs, type InputProblem } from '@causeway/core';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';

function problemsOf(errors: ValidationError[], path: string): InputProblem[] {
  return errors.flatMap((error) => {
    const at = /^\d+$/.test(error.property) ? `${path}[${error.property}]` : `${path}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field: at, message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message }));
    return [...own, ...problemsOf(error.children ?? [], at)];
  });
}

/**
 * Validates class-typed arguments (GraphQL inputs, REST bodies) and answers BAD_USER_INPUT
 * naming each offending path, e.g. `input.fields[2].name: must start with a lower-case letter…`.
 */
@Injectable()
export class InputValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const type = metadata.metatype;
    if (!type || value === null || value === undefined || [String, Boolean, Number, Array, Object, Date].includes(type as never)) return value;
    const instance = plainToInstance(type, value) as object;
    const errors = await validate(instance, { forbidUnknownValues: false, whitelist: false });
    if (errors.length > 0) throw badInputs(problemsOf(errors, metadata.data ?? 'input'));
    return instance;
  }
}
