import { DynamoDbRegistrationStore } from '../../../shared/registrations/dynamodb-store.js';
import { describeRegistrationStoreContract } from '../../contract/registration-store-contract.js';
import { useTestTable } from '../../support/aws-resources.js';

const table = useTestTable('registration-contract');

describeRegistrationStoreContract('DynamoDB', async (options) => {
  const { client, tableName } = table();
  const store = new DynamoDbRegistrationStore({
    client,
    tableName,
    ...(options?.maxDevicesPerUser !== undefined && {
      maxDevicesPerUser: options.maxDevicesPerUser,
    }),
  });
  return { store, cleanup: () => store.close() };
});
