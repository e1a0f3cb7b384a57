// Entry point of the Azure Functions app (v4 model): importing a function module registers it.
import './aks-eventhub/index.ts';
import './webhook/azure.ts';
import './lake-jobs/azure.ts';
