// Subscribes one existing AKS cluster: a diagnostic setting that streams its audit log to the
// kaudit event hub. Deploy it into the cluster's resource group (subscribe-cluster.bicep does,
// from the kaudit resource group, in any subscription of the tenant).

@description('Name of the existing AKS cluster, in the resource group this module is deployed to.')
param clusterName string

@description('Resource id of the Event Hubs namespace authorization rule Azure Monitor streams with (main.bicep output diagnosticsAuthorizationRuleId).')
param eventHubAuthorizationRuleId string

@description('Event hub to stream to (main.bicep output eventHubName).')
param eventHubName string

@description('kube-audit-admin: every request except get and list (the default, far smaller). kube-audit: every request. One of them only: kube-audit contains kube-audit-admin, so sending both doubles events.')
@allowed(['kube-audit-admin', 'kube-audit'])
param auditCategory string = 'kube-audit-admin'

@description('Name of the diagnostic setting on the cluster.')
param settingName string = 'kaudit'

resource cluster 'Microsoft.ContainerService/managedClusters@2024-05-01' existing = {
  name: clusterName
}

resource auditToEventHub 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: cluster
  properties: {
    eventHubAuthorizationRuleId: eventHubAuthorizationRuleId
    eventHubName: eventHubName
    logs: [
      {
        category: auditCategory
        enabled: true
      }
    ]
  }
}

output diagnosticSettingId string = auditToEventHub.id
