import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { badInputs, inputProblems } from '@causeway/core';
import { plainToInstance } from 'class-transformer';

/**
 * Validates class-typed arguments (GraphQL inputs, REST bodies) and answers BAD_USER_INPUT
 * naming each offending path, e.g. `input.fields[2].name: must start with a lower-case letter…`.
 * (A list argument of inputs is validated item by item by EachValidPipe.)
 */
@Injectable()
export class InputValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const type = metadata.metatype;
    if (!type || value === null || value === undefined || [String, Boolean, Number, Array, Object, Date].includes(type as never)) return value;
    const instance = plainToInstance(type, value) as object;
    const problems = await inputProblems(instance, metadata.data ?? 'input');
    if (problems.length > 0) throw badInputs(problems);
    return instance;
  }
}
