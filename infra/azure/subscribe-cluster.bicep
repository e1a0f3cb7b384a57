// Subscribes one more AKS cluster to an existing kaudit deployment. Deploy into the kaudit
// resource group; the cluster may live in another resource group or subscription of the tenant:
//   az deployment group create -g <kaudit-rg> -f infra/azure/subscribe-cluster.bicep \
//     -p eventHubNamespaceName=<main output> clusterResourceGroup=<rg> clusterName=<name>

@description('Name of the existing AKS cluster.')
param clusterName string

@description('Resource group of the cluster.')
param clusterResourceGroup string

@description('Subscription of the cluster; defaults to the subscription of this deployment.')
param clusterSubscriptionId string = subscription().subscriptionId

@description('kube-audit-admin (default) or kube-audit, never both: see aks-audit-diagnostics.bicep.')
@allowed(['kube-audit-admin', 'kube-audit'])
param auditCategory string = 'kube-audit-admin'

@description('The kaudit Event Hubs namespace, in this resource group (main.bicep output eventHubNamespaceName).')
param eventHubNamespaceName string

@description('The kaudit event hub (main.bicep output eventHubName).')
param eventHubName string = 'aks-audit'

@description('The namespace authorization rule Azure Monitor streams with.')
param authorizationRuleName string = 'aks-diagnostics'

resource eventHubNamespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubNamespaceName
}

resource diagnosticsRule 'Microsoft.EventHub/namespaces/authorizationRules@2024-01-01' existing = {
  parent: eventHubNamespace
  name: authorizationRuleName
}

module clusterDiagnostics 'aks-audit-diagnostics.bicep' = {
  name: take('kaudit-diagnostics-${clusterName}', 64)
  scope: resourceGroup(clusterSubscriptionId, clusterResourceGroup)
  params: {
    clusterName: clusterName
    eventHubAuthorizationRuleId: diagnosticsRule.id
    eventHubName: eventHubName
    auditCategory: auditCategory
  }
}

output diagnosticSettingId string = clusterDiagnostics.outputs.diagnosticSettingId
